package ipsocket.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the Web Console password comes from, and which ones are refused. */
class OperatorPasswordTest {
    @TempDir
    Path work;

    private static Optional<String> read(Map<String, String> properties, Map<String, String> environment)
            throws IOException {
        return OperatorPassword.read(properties::get, environment::get);
    }

    @Test
    void theFileWinsOverTheEnvironmentAndItsFinalLineBreakIsNoPartOfIt() throws IOException {
        Path file = Files.writeString(work.resolve("password"), "from-the-file\r\n");
        assertEquals(Optional.of("from-the-file"), read(Map.of(OperatorPassword.FILE_PROPERTY, file.toString()),
                Map.of(OperatorPassword.ENVIRONMENT, "from-the-environment")));
    }

    @Test
    void theEnvironmentServesWithoutAFile() throws IOException {
        assertEquals(Optional.of("from-the-environment"),
                read(Map.of(), Map.of(OperatorPassword.ENVIRONMENT, "from-the-environment")));
    }

    @Test
    void noPasswordIsNoDefaultPassword() throws IOException {
        assertEquals(Optional.empty(), read(Map.of(), Map.of()));
    }

    @Test
    void aShortPasswordSuchAsTheConsolesOldAdminIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of(), Map.of(OperatorPassword.ENVIRONMENT, "admin")));
        assertTrue(refused.getMessage().contains("at least 8 characters"), refused.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> read(Map.of(), Map.of(OperatorPassword.ENVIRONMENT, "")));
    }

    @Test
    void aMissingFileIsAnError() {
        assertThrows(NoSuchFileException.class, () -> read(
                Map.of(OperatorPassword.FILE_PROPERTY, work.resolve("absent").toString()), Map.of()));
    }
}
