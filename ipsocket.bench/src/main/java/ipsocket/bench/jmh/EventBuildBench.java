package ipsocket.bench.jmh;

import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import ipsocket.api.SocketListener;
import ipsocket.bench.Proto;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.loop.EventLoopGroup;
import ipsocket.impl.tcp.TcpSocketImpl;

/**
 * Event building, the loop thread's part of every event (issue 7's third JMH hot path):
 * ipsocket's own {@code SocketEventPublisher} (package-private, created by reflection) turning a
 * READY_READ signal and a 64 KiB arrival into {@link Event}s, posted to an EventAdmin that only
 * keeps the last event, with every topic subscribed (so every event is built). The arrival benchmark also does what {@code AbstractIpSocket.tapData}
 * does before it (copy the loop's direct buffer into a new array), since that copy is made for
 * every read while {@code publishData} is on. Felix's own {@code postEvent} (queueing and thread
 * hand-off) is not in here: the events mode measures it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventBuildBench {
    public static final int ARRIVAL = 64 * 1024;

    private EventLoopGroup group;
    private TcpSocketImpl socket;
    private SocketListener listener;
    private AbstractIpSocket.DataTap tap;
    private ByteBuffer arrival;
    private Event last;

    @Setup
    public void setUp() throws Exception {
        group = new EventLoopGroup(1);
        socket = new TcpSocketImpl(group, "bench-event");
        socket.setAutoConnect(false);
        socket.setHostname("127.0.0.1");
        socket.setPort(4711);
        EventAdmin keepLast = new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                last = event;
            }

            @Override
            public void sendEvent(Event event) {
                last = event;
            }
        };
        Class<?> publisher = Class.forName("ipsocket.impl.osgi.SocketEventPublisher");
        Constructor<?> c = publisher.getDeclaredConstructor(EventAdmin.class, String.class, Predicate.class);
        c.setAccessible(true);
        Predicate<String> everyTopicWanted = topic -> true; // a subscriber to every topic: every event is built
        Object p = c.newInstance(keepLast, "ipsocket/TcpSocket/", everyTopicWanted);
        listener = (SocketListener) p;
        tap = (AbstractIpSocket.DataTap) p;
        arrival = ByteBuffer.allocateDirect(ARRIVAL);
        arrival.put(Proto.pattern(ARRIVAL)).flip();
    }

    @TearDown
    public void tearDown() {
        socket.dispose();
        group.close();
    }

    /** One READY_READ event: the property map, the Event. */
    @Benchmark
    public Event readyReadEvent() {
        listener.readyRead(socket);
        return last;
    }

    /** One DATA_RECEIVED event of a 64 KiB arrival with publishData on: the copy, the map, the Event. */
    @Benchmark
    public Event dataReceivedEvent64k() {
        byte[] copy = new byte[arrival.remaining()];
        arrival.duplicate().get(copy);
        tap.dataReceived(socket, copy);
        return last;
    }
}
