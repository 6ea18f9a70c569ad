import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The peer of measure.sh: accepts TCP connections on 127.0.0.1:PORT and holds them open, idle,
 * until it is killed; prints "listening" once bound and "held N" every 500 connections.
 * Usage: {@code java HoldPeer.java PORT}.
 */
public class HoldPeer {
    public static void main(String[] args) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 4096);
            System.out.println("listening");
            List<SocketChannel> held = new ArrayList<>();
            while (true) {
                held.add(server.accept());
                if (held.size() % 500 == 0) {
                    System.out.println("held " + held.size());
                }
            }
        }
    }
}
