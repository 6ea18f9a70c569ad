package ipsocket.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;
import aQute.bnd.osgi.Resource;
import ipsocket.api.NetworkProtocol;
import ipsocket.api.SocketConfig;
import ipsocket.api.SocketPids;
import ipsocket.impl.common.PropertyDef;
import ipsocket.impl.common.PropertyValues;
import ipsocket.impl.common.SocketProperties;

/**
 * One definition per key: the metatype generated from {@link SocketConfiguration} is the
 * definition, and every other listing of the socket configuration keys must agree with it. The
 * metatype is generated here by bnd from the compiled classes, as bnd-maven-plugin does for the
 * bundle, and compared with:
 * <ul>
 * <li>the property definitions ({@link SocketProperties}): the same keys per kind, types,
 * cardinalities and defaults; each range and option list of the metatype is the range
 * {@link PropertyDef#convert(Object)} enforces (its bounds accepted, one beyond refused, no bound
 * where the metatype has none);</li>
 * <li>the README's key table: the same keys, with the same kinds;</li>
 * <li>the shell's {@code create} help ({@code SocketCommands.SETTINGS_HELP}): the same keys, with
 * the same kinds;</li>
 * <li>{@code docs/CONFIGURATION-KEYS.md}: exactly the table this test derives from the metatype
 * (key, kinds, type, default, range, description); a failure prints the expected table.</li>
 * </ul>
 * A key added to, dropped from or changed in one place only fails here.
 */
class ConfigurationKeysTest {
    /** A metatype attribute that is no socket key: the Felix web console's label for instances. */
    private static final String NAME_HINT = "webconsole.configurationFactory.nameHint";
    private static final String TCP = "TCP";
    private static final String UDP = "UDP";
    /** Keys of TLS sockets only; a TLS socket also takes every TCP key (listed as TCP). */
    private static final String TLS = "TLS";
    /**
     * The private (dot) keys: metatype attributes of type Password, but no socket property (write-only,
     * never serialized or published), and no shell setting (a password on a command line stays in its history).
     */
    private static final Set<String> SECRETS = Set.of(SocketConfig.PRIVATE_KEY_PASSWORD, SocketConfig.KEY_STORE_PASSWORD);

    /**
     * The one key whose metatype range ({@code -1} to {@code 65535}) is not enforced on reading:
     * any port is stored, and a socket component reports one out of range as
     * {@code PortNumberOutOfRangeError} when it checks the endpoint ({@code SocketService}).
     */
    private static final Set<String> RANGE_CHECKED_LATER = Set.of(SocketConfig.PORT);

    private static Map<String, Attribute> tcp;
    private static Map<String, Attribute> udp;
    private static Map<String, Attribute> server;
    private static Map<String, Attribute> ssl;

    /** One metatype attribute definition, as the generated XML has it. */
    record Attribute(String id, String type, int cardinality, String defaultValue, String min, String max,
            List<String> options, String description) {
    }

    @BeforeAll
    static void generateMetatype() throws Exception {
        try (Builder builder = new Builder()) {
            builder.setBase(moduleDir().toFile());
            builder.addClasspath(moduleDir().resolve("target/classes").toFile());
            builder.addClasspath(jarOf(ObjectClassDefinition.class));
            builder.setProperty("-privatepackage", "ipsocket.impl.osgi");
            builder.setProperty("-metatypeannotations", "*");
            builder.setProperty("-dsannotations", "");
            Jar jar = builder.build();
            tcp = attributes(jar, SocketPids.TCP_SOCKET);
            udp = attributes(jar, SocketPids.UDP_SOCKET);
            server = attributes(jar, SocketPids.TCP_SERVER);
            ssl = attributes(jar, SocketPids.SSL_SOCKET);
        }
    }

    @Test
    void propertyDefinitionsAgreeWithTheMetatype() {
        List<String> problems = new ArrayList<>();
        comparePropertyDefinitions(TCP, tcp, SocketProperties.TCP, problems);
        comparePropertyDefinitions(UDP, udp, SocketProperties.UDP, problems);
        comparePropertyDefinitions("TcpServer", server, SocketProperties.TCP_SERVER, problems);
        Map<String, Attribute> sslKeys = new LinkedHashMap<>(ssl);
        SECRETS.forEach(secret -> assertEquals("Password", sslKeys.remove(secret).type(), secret + " is a Password"));
        comparePropertyDefinitions(TLS, sslKeys, SocketProperties.SSL, problems);
        tcp.forEach((key, attribute) -> {
            if (!attribute.equals(ssl.get(key))) {
                problems.add("TLS: the TCP key " + key + " differs or is missing: " + ssl.get(key));
            }
        });
        assertNoProblems(problems);
    }

    /** The options a server gives its connections are the TCP socket's keys, defined once. */
    @Test
    void serverConnectionOptionsAreTheTcpSocketKeys() {
        for (PropertyDef<?> option : SocketProperties.ACCEPTED_OPTIONS) {
            assertEquals(tcp.get(option.name()), server.get(option.name()), option.name());
        }
    }

    @Test
    void readmeServerKeyTableAgreesWithTheMetatype() throws IOException {
        String readme = Files.readString(moduleDir().resolve("../README.md"));
        int header = readme.indexOf("| server key | type, default | meaning |");
        assertTrue(header >= 0, "README.md has no server key table");
        Set<String> listed = new TreeSet<>();
        for (String line : readme.substring(header).split("\n")) {
            if (!line.startsWith("|")) {
                break;
            }
            Matcher key = Pattern.compile("`([^`]+)`").matcher(line.split("\\|")[1]);
            while (key.find()) {
                listed.add(key.group(1));
            }
        }
        assertEquals(new TreeSet<>(server.keySet()), listed, "README.md's server key table");
    }

    @Test
    void docsServerKeyTableIsTheMetatype() throws IOException {
        String expected = table("| server key | type | default | range | description |\n", server, null);
        Path docs = moduleDir().resolve("../docs/CONFIGURATION-KEYS.md");
        String text = Files.readString(docs);
        int start = text.indexOf("| server key |");
        int end = text.indexOf("\n\n", start);
        String actual = start < 0 ? "" : text.substring(start, end < 0 ? text.length() : end + 1);
        if (!expected.equals(actual)) {
            Files.writeString(moduleDir().resolve("target/CONFIGURATION-KEYS-SERVER.expected.md"), expected);
        }
        assertEquals(expected, actual, "the server key table of docs/CONFIGURATION-KEYS.md, derived from the"
                + " metatype (also written to target/CONFIGURATION-KEYS-SERVER.expected.md)");
    }

    @Test
    void readmeKeyTableAgreesWithTheMetatype() throws IOException {
        String readme = Files.readString(moduleDir().resolve("../README.md"));
        int header = readme.indexOf("| key | type, default | meaning |");
        assertTrue(header >= 0, "README.md has no key table");
        Map<String, String> listed = new TreeMap<>();
        for (String line : readme.substring(header).split("\n")) {
            if (!line.startsWith("|")) {
                break;
            }
            String cell = line.split("\\|")[1].trim();
            String kinds = cell.startsWith("TCP:") ? TCP : cell.startsWith("UDP:") ? UDP
                    : cell.startsWith("TLS:") ? TLS : TCP + ", " + UDP;
            Matcher key = Pattern.compile("`([^`]+)`").matcher(cell);
            while (key.find()) {
                listed.put(key.group(1), kinds);
            }
        }
        assertSameKinds("README.md's key table", kindsByKey(Set.of()), listed);
    }

    @Test
    void shellCreateHelpAgreesWithTheMetatype() throws IOException {
        String source = Files.readString(moduleDir()
                .resolve("../ipsocket.shell/src/main/java/ipsocket/shell/SocketCommands.java"));
        String help = stringConstant(source, "SETTINGS_HELP");
        Map<String, String> listed = new TreeMap<>();
        listKeys(help, "Both kinds", TCP + ", " + UDP, listed);
        listKeys(help, "tcp only", TCP, listed);
        listKeys(help, "udp only", UDP, listed);
        listKeys(help, "tls only", TLS, listed);
        // objectId is the command's name argument, no setting; passwords are no shell settings
        Set<String> leftOut = new java.util.HashSet<>(SECRETS);
        leftOut.add(SocketConfig.OBJECT_ID);
        assertSameKinds("SocketCommands.SETTINGS_HELP (help of ipsocket:create)", kindsByKey(leftOut), listed);
    }

    @Test
    void docsKeyTableIsTheMetatype() throws IOException {
        String expected = docsTable();
        Path docs = moduleDir().resolve("../docs/CONFIGURATION-KEYS.md");
        String text = Files.readString(docs);
        int start = text.indexOf("| key |");
        int end = text.indexOf("\n\n", start);
        String actual = start < 0 ? "" : text.substring(start, end < 0 ? text.length() : end + 1);
        if (!expected.equals(actual)) {
            Path written = moduleDir().resolve("target/CONFIGURATION-KEYS.expected.md");
            Files.writeString(written, expected);
        }
        assertEquals(expected, actual, "the key table of docs/CONFIGURATION-KEYS.md, derived from the metatype"
                + " (also written to target/CONFIGURATION-KEYS.expected.md)");
    }

    // ---- the metatype -------------------------------------------------------------------

    private static Path moduleDir() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    }

    private static File jarOf(Class<?> type) throws Exception {
        return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static Map<String, Attribute> attributes(Jar jar, String pid) throws Exception {
        Resource resource = jar.getResource("OSGI-INF/metatype/" + pid + ".xml");
        assertNotNull(resource, "bnd generated no metatype for " + pid + ": " + jar.getResources().keySet());
        Document document;
        try (InputStream in = resource.openInputStream()) {
            document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
        Map<String, Attribute> byId = new LinkedHashMap<>();
        NodeList ads = document.getElementsByTagName("AD");
        for (int i = 0; i < ads.getLength(); i++) {
            Element ad = (Element) ads.item(i);
            List<String> options = new ArrayList<>();
            NodeList optionElements = ad.getElementsByTagName("Option");
            for (int j = 0; j < optionElements.getLength(); j++) {
                options.add(((Element) optionElements.item(j)).getAttribute("value"));
            }
            String cardinality = ad.getAttribute("cardinality");
            byId.put(ad.getAttribute("id"), new Attribute(ad.getAttribute("id"), ad.getAttribute("type"),
                    cardinality.isEmpty() ? 0 : Integer.parseInt(cardinality), ad.getAttribute("default"),
                    ad.getAttribute("min"), ad.getAttribute("max"), options, ad.getAttribute("description")));
        }
        assertTrue(byId.containsKey(NAME_HINT), pid + " has the console name hint");
        byId.remove(NAME_HINT);
        return byId;
    }

    /** Every socket key of the metatype with its kinds ("TCP, UDP", "TCP" or "UDP"), sorted by key. */
    private static Map<String, String> kindsByKey(Set<String> leftOut) {
        Map<String, String> kinds = new TreeMap<>();
        for (Map.Entry<String, Attribute> entry : allAttributes().entrySet()) {
            if (!leftOut.contains(entry.getKey())) {
                kinds.put(entry.getKey(), kinds(entry.getKey()));
            }
        }
        return kinds;
    }

    private static String kinds(String key) {
        return tcp.containsKey(key) && udp.containsKey(key) ? TCP + ", " + UDP
                : tcp.containsKey(key) ? TCP : udp.containsKey(key) ? UDP : TLS;
    }

    /** The attributes of every kind, shared ones first, in metatype order; a shared key must be the same for both. */
    private static Map<String, Attribute> allAttributes() {
        Map<String, Attribute> all = new LinkedHashMap<>();
        tcp.forEach((key, attribute) -> {
            if (udp.containsKey(key)) {
                assertEquals(attribute, udp.get(key), key + " is the same for TCP and UDP");
                all.put(key, attribute);
            }
        });
        tcp.forEach(all::putIfAbsent);
        udp.forEach(all::putIfAbsent);
        ssl.forEach(all::putIfAbsent);
        return all;
    }

    // ---- the property definitions -------------------------------------------------------

    private static void comparePropertyDefinitions(String kind, Map<String, Attribute> metatype,
            List<PropertyDef<?>> definitions, List<String> problems) {
        Set<String> described = new TreeSet<>(metatype.keySet());
        described.remove(SocketConfig.OBJECT_ID); // the component's name, no property of the engine
        Set<String> defined = new TreeSet<>();
        definitions.forEach(definition -> defined.add(definition.name()));
        if (!described.equals(defined)) {
            problems.add(kind + ": metatype keys " + described + " but property definitions " + defined);
        }
        for (PropertyDef<?> definition : definitions) {
            Attribute attribute = metatype.get(definition.name());
            if (attribute != null) {
                compare(kind + " " + definition.name(), attribute, definition, problems);
            }
        }
    }

    private static void compare(String what, Attribute attribute, PropertyDef<?> definition, List<String> problems) {
        boolean list = List.class.isAssignableFrom(definition.type());
        String type = definition.type() == Integer.class ? "Integer"
                : definition.type() == Boolean.class ? "Boolean" : "String";
        if (!attribute.type().equals(type) || (attribute.cardinality() != 0) != list) {
            problems.add(what + ": metatype type " + attribute.type() + " cardinality " + attribute.cardinality()
                    + " but the property is a " + definition.type().getSimpleName());
        }
        Object plain = PropertyValues.plain(definition.defaultValue());
        String defaultText = plain instanceof String[] ? String.join(",", (String[]) plain) : String.valueOf(plain);
        if (!attribute.defaultValue().equals(defaultText)) {
            problems.add(what + ": metatype default '" + attribute.defaultValue() + "' but the property's is '"
                    + defaultText + "'");
        }
        if (definition.type() == Integer.class) {
            compareRange(what, attribute, definition, problems);
        }
        if (!attribute.options().isEmpty()) {
            compareOptions(what, attribute, definition, problems);
        }
    }

    private static void compareRange(String what, Attribute attribute, PropertyDef<?> definition,
            List<String> problems) {
        long min = attribute.min().isEmpty() ? Integer.MIN_VALUE : Long.parseLong(attribute.min());
        long max = attribute.max().isEmpty() ? Integer.MAX_VALUE : Long.parseLong(attribute.max());
        String range = what + ": the metatype's range is " + range(attribute) + " but the property ";
        expect(range, definition, min, true, problems);
        expect(range, definition, max, true, problems);
        if (!RANGE_CHECKED_LATER.contains(definition.name())) {
            if (min > Integer.MIN_VALUE) {
                expect(range, definition, min - 1, false, problems);
            }
            if (max < Integer.MAX_VALUE) {
                expect(range, definition, max + 1, false, problems);
            }
        }
    }

    private static void compareOptions(String what, Attribute attribute, PropertyDef<?> definition,
            List<String> problems) {
        for (String option : attribute.options()) {
            if (!accepts(definition, option)) {
                problems.add(what + ": metatype option '" + option + "' is refused by the property");
            }
        }
        if (definition.type() == NetworkProtocol.class) {
            for (NetworkProtocol protocol : NetworkProtocol.values()) {
                if (accepts(definition, protocol.seedName()) && !attribute.options().contains(protocol.seedName())) {
                    problems.add(what + ": the property accepts " + protocol.seedName()
                            + " but the metatype has no such option");
                }
            }
        }
    }

    private static void expect(String problem, PropertyDef<?> definition, long value, boolean accepted,
            List<String> problems) {
        if (accepts(definition, String.valueOf(value)) != accepted) {
            problems.add(problem + (accepted ? "refuses " : "accepts ") + value);
        }
    }

    private static boolean accepts(PropertyDef<?> definition, Object value) {
        try {
            definition.convert(value);
            return true;
        } catch (IllegalArgumentException refused) {
            return false;
        }
    }

    // ---- the shell and the docs ---------------------------------------------------------

    /** The value of a String constant made of concatenated literals, read from Java source. */
    private static String stringConstant(String source, String name) {
        int start = source.indexOf(name + " =");
        assertTrue(start >= 0, "no constant " + name);
        StringBuilder value = new StringBuilder();
        Matcher literal = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|;").matcher(source);
        literal.region(start, source.length());
        while (literal.find() && literal.group(1) != null) {
            value.append(literal.group(1));
        }
        return value.toString();
    }

    private static void listKeys(String help, String label, String kinds, Map<String, String> listed) {
        Matcher section = Pattern.compile(Pattern.quote(label) + ": ([^.]*)\\.").matcher(help);
        assertTrue(section.find(), "no '" + label + ":' in: " + help);
        for (String key : section.group(1).split(",")) {
            listed.put(key.trim(), kinds);
        }
    }

    /** The key table of docs/CONFIGURATION-KEYS.md as the metatype defines it. */
    static String docsTable() {
        return table("| key | kinds | type | default | range | description |\n", allAttributes(),
                ConfigurationKeysTest::kinds);
    }

    /** A key table of the docs: one row per attribute, with its kinds when {@code kinds} is given. */
    private static String table(String header, Map<String, Attribute> attributes,
            java.util.function.Function<String, String> kinds) {
        StringBuilder table = new StringBuilder(header);
        table.append(kinds == null ? "|---|---|---|---|---|\n" : "|---|---|---|---|---|---|\n");
        for (Attribute attribute : attributes.values()) {
            table.append("| `").append(attribute.id()).append("` | ")
                    .append(kinds == null ? "" : kinds.apply(attribute.id()) + " | ").append(attribute.type()).append(attribute.cardinality() == 0 ? "" : "[]")
                    .append(" | ").append(attribute.defaultValue().isEmpty() ? "(empty)"
                            : "`" + attribute.defaultValue() + "`")
                    .append(" | ").append(range(attribute))
                    .append(" | ").append(attribute.description().replace("|", "\\|")).append(" |\n");
        }
        return table.toString();
    }

    private static String range(Attribute attribute) {
        if (!attribute.options().isEmpty()) {
            return "`" + String.join("`, `", attribute.options()) + "`";
        }
        if (!attribute.min().isEmpty() && !attribute.max().isEmpty()) {
            return attribute.min() + " to " + attribute.max();
        }
        if (!attribute.min().isEmpty()) {
            return attribute.min() + " or more";
        }
        return attribute.max().isEmpty() ? "-" : "at most " + attribute.max();
    }

    private static void assertSameKinds(String listing, Map<String, String> metatype, Map<String, String> listed) {
        List<String> problems = new ArrayList<>();
        metatype.forEach((key, kinds) -> {
            if (!listed.containsKey(key)) {
                problems.add(listing + " lacks " + key + " (" + kinds + ")");
            } else if (!listed.get(key).equals(kinds)) {
                problems.add(listing + " lists " + key + " for " + listed.get(key) + ", the metatype for " + kinds);
            }
        });
        listed.keySet().stream().filter(key -> !metatype.containsKey(key))
                .forEach(key -> problems.add(listing + " lists " + key + ", which has no metatype"));
        assertNoProblems(problems);
    }

    private static void assertNoProblems(List<String> problems) {
        assertTrue(problems.isEmpty(), problems.size() + " disagreements:\n  " + String.join("\n  ", problems));
    }
}
