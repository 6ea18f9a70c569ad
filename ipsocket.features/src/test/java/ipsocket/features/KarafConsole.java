package ipsocket.features;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;

/**
 * Karaf's console over SSH, as {@code ssh -p PORT user@127.0.0.1 'command'} runs it: one SSH
 * session per command line (Karaf closes the session when an exec command ends). A command line
 * may hold several commands separated by {@code ;}; they share one console session, so
 * {@code config:edit} and the {@code config:property-set} after it work on the same configuration.
 */
final class KarafConsole implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    private final SshClient client;
    private final int port;
    private final String user;
    private final String password;

    /**
     * A client for Karaf's SSH console; the server's host key is accepted unseen (a Karaf of the
     * test's own, on loopback).
     *
     * @param port the SSH port on 127.0.0.1
     * @param user the login
     * @param password its password
     */
    KarafConsole(int port, String user, String password) {
        this.port = port;
        this.user = user;
        this.password = password;
        this.client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
    }

    /**
     * Runs a command line and returns what it printed, without terminal escape sequences.
     *
     * @param commandLine the command line
     * @return its standard output and standard error
     * @throws IOException if Karaf's SSH server does not answer or refuses the login
     * @throws KarafCommandException if the command line ended with a non-zero status
     */
    String run(String commandLine) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ClientSession session = client.connect(user, "127.0.0.1", port).verify(COMMAND_TIMEOUT).getSession()) {
            session.addPasswordIdentity(password);
            session.auth().verify(COMMAND_TIMEOUT);
            try (ChannelExec channel = session.createExecChannel(commandLine)) {
                channel.setOut(out);
                channel.setErr(out);
                channel.open().verify(COMMAND_TIMEOUT);
                channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), COMMAND_TIMEOUT);
                String text = out.toString(StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "");
                Integer status = channel.getExitStatus();
                if (status == null || status != 0) {
                    throw new KarafCommandException(commandLine, status, text);
                }
                return text;
            }
        }
    }

    @Override
    public void close() {
        client.stop();
    }

    /** A command line that ended with a non-zero status (or none), with what it printed. */
    static final class KarafCommandException extends IOException {
        private static final long serialVersionUID = 1L;

        KarafCommandException(String commandLine, Integer status, String output) {
            super("'" + commandLine + "' ended with status " + status + ":\n" + output);
        }
    }
}
