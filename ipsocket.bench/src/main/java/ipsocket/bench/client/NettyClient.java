package ipsocket.bench.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import ipsocket.bench.Deadline;
import ipsocket.bench.Proto;
import ipsocket.bench.TlsMaterial;

/**
 * Netty 4.2 as the client, with its NIO transport ({@code netty}) or, where the native library
 * loads, its epoll transport ({@code netty-epoll}); default allocator and options, handlers
 * written the usual way (writes continue on {@code channelWritabilityChanged}).
 */
public final class NettyClient implements Client {
    private final boolean epoll;
    private final EventLoopGroup group;
    /** Made on the first TLS mode. */
    private SslContext tlsContext;
    private final int threads;

    public NettyClient(boolean epoll, int ioThreads) {
        this.epoll = epoll;
        if (epoll && !Epoll.isAvailable()) {
            throw new IllegalStateException("Netty epoll is not available here: " + Epoll.unavailabilityCause());
        }
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.threads = ioThreads;
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, factory);
    }

    /** Whether the epoll transport can run here, and if not, why. */
    public static String epollUnavailable() {
        return Epoll.isAvailable() ? null : String.valueOf(Epoll.unavailabilityCause());
    }

    @Override
    public String name() {
        return epoll ? "netty-epoll" : "netty";
    }

    @Override
    public int ioThreads() {
        return threads;
    }

    private Class<? extends SocketChannel> socketClass() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    private Class<? extends DatagramChannel> datagramClass() {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    private Channel connectTcp(InetSocketAddress peer, boolean noDelay, ChannelHandler handler, Deadline d)
            throws Exception {
        Bootstrap b = new Bootstrap().group(group).channel(socketClass())
                .option(ChannelOption.TCP_NODELAY, noDelay)
                .handler(handler);
        ChannelFuture f = b.connect(peer);
        if (!f.await(d.waitMillis())) {
            f.cancel(false);
            throw d.timeout();
        }
        if (!f.isSuccess()) {
            throw new IOException("connect failed", f.cause());
        }
        return f.channel();
    }

    private static void closeQuietly(Channel ch) {
        if (ch != null) {
            ch.close().awaitUninterruptibly(5_000);
        }
    }

    /** Base handler: fails the run on an exception or an early close. */
    private abstract static class RunHandler<T> extends ChannelInboundHandlerAdapter {
        final CompletableFuture<T> result = new CompletableFuture<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(new IOException("connection closed before the run ended"));
        }
    }

    @Override
    public long tcpThroughput(InetSocketAddress peer, long bytes, int chunk, Deadline d) throws Exception {
        return throughput(peer, bytes, chunk, d, false);
    }

    @Override
    public long tlsThroughput(InetSocketAddress peer, long bytes, int chunk, Deadline d) throws Exception {
        return throughput(peer, bytes, chunk, d, true);
    }

    /** A TLS client context: Netty's SslHandler on the JDK provider, TLS 1.3, AES-128-GCM. */
    private static SslContext newTlsContext() throws Exception {
        return SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(TlsMaterial.get().certificate()).protocols(TlsMaterial.PROTOCOL)
                .ciphers(List.of(TlsMaterial.CIPHER)).build();
    }

    /** The shared context, whose session cache lets sessions resume. */
    private synchronized SslContext tlsContext() throws Exception {
        if (tlsContext == null) {
            tlsContext = newTlsContext();
        }
        return tlsContext;
    }

    /**
     * A handler behind an SslHandler that names (and verifies) the peer; {@code resumable}: the
     * shared context, else a context of its own (a full handshake).
     */
    private ChannelHandler overTls(InetSocketAddress peer, ChannelHandler handler, boolean resumable)
            throws Exception {
        SslContext context = resumable ? tlsContext() : newTlsContext();
        return new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(context.newHandler(ch.alloc(), "localhost", peer.getPort()), handler);
            }
        };
    }

    /** Sends the length, then the bytes, waits for 'K'; over TLS from the end of the handshake. */
    private long throughput(InetSocketAddress peer, long bytes, int chunk, Deadline d, boolean tls) throws Exception {
        RunHandler<Long> h = new RunHandler<>() {
            long notSent = bytes;
            long start;
            ByteBuf data;

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                if (!tls) {
                    begin(ctx);
                }
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                if (event instanceof SslHandshakeCompletionEvent) {
                    if (((SslHandshakeCompletionEvent) event).isSuccess()) {
                        begin(ctx);
                    } else {
                        result.completeExceptionally(((SslHandshakeCompletionEvent) event).cause());
                    }
                }
                ctx.fireUserEventTriggered(event);
            }

            private void begin(ChannelHandlerContext ctx) {
                data = ctx.alloc().directBuffer(chunk).writeBytes(Proto.pattern(chunk));
                start = System.nanoTime();
                ctx.write(ctx.alloc().directBuffer(8).writeLong(bytes));
                pump(ctx);
            }

            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (ctx.channel().isWritable()) {
                    pump(ctx);
                }
                ctx.fireChannelWritabilityChanged();
            }

            /** Writes 64 KiB slices of one buffer (no copy) while the channel is writable. */
            private void pump(ChannelHandlerContext ctx) {
                while (notSent > 0 && ctx.channel().isWritable()) {
                    int n = (int) Math.min(chunk, notSent);
                    ctx.write(data.retainedSlice(0, n));
                    notSent -= n;
                }
                ctx.flush();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf in = (ByteBuf) msg;
                try {
                    if (in.isReadable()) {
                        long elapsed = System.nanoTime() - start;
                        if (in.getByte(in.readerIndex()) != Proto.ACK) {
                            result.completeExceptionally(new IOException("sink answered something else"));
                        } else {
                            result.complete(elapsed);
                        }
                    }
                } finally {
                    in.release();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                super.channelInactive(ctx);
                if (data != null) {
                    data.release();
                    data = null;
                }
            }
        };
        Channel ch = connectTcp(peer, false, tls ? overTls(peer, h, false) : h, d);
        try {
            return d.await(h.result);
        } finally {
            closeQuietly(ch);
        }
    }

    @Override
    public Handshakes tlsHandshakes(InetSocketAddress peer, long nanos, boolean resumed, Deadline d) throws Exception {
        long count = 0;
        long start = System.nanoTime();
        long end = start + nanos;
        while (System.nanoTime() - end < 0) {
            RunHandler<Boolean> h = new RunHandler<>() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                    if (event instanceof SslHandshakeCompletionEvent) {
                        if (((SslHandshakeCompletionEvent) event).isSuccess()) {
                            ctx.writeAndFlush(ctx.alloc().directBuffer(8).writeLong(0));
                        } else {
                            result.completeExceptionally(((SslHandshakeCompletionEvent) event).cause());
                        }
                    }
                    ctx.fireUserEventTriggered(event);
                }

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf in = (ByteBuf) msg;
                    try {
                        if (in.isReadable()) {
                            result.complete(in.getByte(in.readerIndex()) == Proto.ACK);
                        }
                    } finally {
                        in.release();
                    }
                }
            };
            Channel ch = connectTcp(peer, true, overTls(peer, h, resumed), d);
            try {
                if (!d.await(h.result)) {
                    throw new IOException("the TLS sink answered something else");
                }
            } finally {
                ch.close().awaitUninterruptibly(d.waitMillis());
            }
            count++;
        }
        return new Handshakes(count, System.nanoTime() - start);
    }

    @Override
    public Latencies tcpPingPong(InetSocketAddress peer, int msg, long nanos, Deadline d) throws Exception {
        byte[] payload = Proto.pattern(msg);
        PingPong run = new PingPong(msg, nanos);
        RunHandler<Latencies> h = new RunHandler<>() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                run.start();
                ctx.writeAndFlush(ctx.alloc().directBuffer(msg).writeBytes(payload));
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object m) {
                ByteBuf in = (ByteBuf) m;
                int bytes = in.readableBytes();
                in.release();
                int next = run.arrived(bytes);
                if (next == PingPong.SEND) {
                    ctx.writeAndFlush(ctx.alloc().directBuffer(msg).writeBytes(payload));
                } else if (next == PingPong.DONE) {
                    result.complete(run.latencies());
                }
            }
        };
        Channel ch = connectTcp(peer, true, h, d);
        try {
            return d.await(h.result);
        } finally {
            closeQuietly(ch);
        }
    }

    @Override
    public LineRun tcpLines(InetSocketAddress peer, long lines, Deadline d) throws Exception {
        RunHandler<LineRun> h = new RunHandler<>() {
            long got;
            long chars;
            long start;

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                start = System.nanoTime();
                ctx.writeAndFlush(ctx.alloc().directBuffer(8).writeLong(lines));
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                chars += ((String) msg).length();
                if (++got == lines) {
                    result.complete(new LineRun(got, chars, System.nanoTime() - start));
                }
            }
        };
        ChannelInitializer<Channel> init = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new LineBasedFrameDecoder(65_535),
                        new StringDecoder(StandardCharsets.UTF_8), h);
            }
        };
        Channel ch = connectTcp(peer, false, init, d);
        try {
            return d.await(h.result);
        } finally {
            closeQuietly(ch);
        }
    }

    @Override
    public UdpRun udp(InetSocketAddress peer, int dgram, long nanos, long runId, Deadline d) throws Exception {
        byte[] pad = Proto.pattern(dgram);
        CompletableFuture<long[]> sendDone = new CompletableFuture<>();
        RunHandler<UdpRun> h = new RunHandler<>() {
            long sent;
            long start;
            long end;
            boolean sending;

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                sending = true;
                start = System.nanoTime();
                end = start + nanos;
                pump(ctx);
            }

            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (sending && ctx.channel().isWritable()) {
                    pump(ctx);
                }
                ctx.fireChannelWritabilityChanged();
            }

            /** Writes datagrams while writable; yields to the loop between batches. */
            private void pump(ChannelHandlerContext ctx) {
                long now = System.nanoTime();
                if (now - end >= 0) {
                    sending = false;
                    sendDone.complete(new long[] {sent, now - start});
                    return;
                }
                Channel ch = ctx.channel();
                for (int i = 0; i < 256 && ch.isWritable(); i++) {
                    ByteBuf buf = ctx.alloc().directBuffer(dgram);
                    buf.writeBytes(pad).setLong(0, runId).setLong(8, sent);
                    ctx.write(buf);
                    sent++;
                }
                ctx.flush();
                if (ch.isWritable()) {
                    ctx.executor().execute(() -> pump(ctx));
                }
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                DatagramPacket p = (DatagramPacket) msg;
                try {
                    ByteBuf in = p.content();
                    if (in.readableBytes() >= 24 && in.getLong(in.readerIndex()) == runId) {
                        long[] send = sendDone.getNow(null);
                        if (send != null) {
                            int r = in.readerIndex();
                            result.complete(new UdpRun(send[0], send[1], in.getLong(r + 8), in.getLong(r + 16)));
                        }
                    }
                } finally {
                    p.release();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                // a datagram channel closes only at the end of the run
            }
        };
        Bootstrap b = new Bootstrap().group(group).channel(datagramClass()).handler(h);
        ChannelFuture f = b.connect(peer);
        if (!f.await(d.waitMillis())) {
            f.cancel(false);
            throw d.timeout();
        }
        if (!f.isSuccess()) {
            throw new IOException("UDP connect failed", f.cause());
        }
        Channel ch = f.channel();
        try {
            long sent = d.await(sendDone)[0];
            while (true) {
                d.check();
                ByteBuf end = Unpooled.buffer(24).writeLong(runId).writeLong(Proto.UDP_END).writeLong(sent);
                ch.writeAndFlush(end);
                try {
                    return h.result.get(Proto.UDP_END_INTERVAL_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // ask again
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
                }
            }
        } finally {
            closeQuietly(ch);
        }
    }

    @Override
    public UdpRun udpRecv(InetSocketAddress peer, int dgram, long nanos, long runId, Deadline d) throws Exception {
        byte[] blast = Proto.blastRequest(runId, nanos, dgram);
        byte[] status = Proto.statusRequest(runId);
        RunHandler<UdpRun> h = new RunHandler<>() {
            long received;
            long first;
            long last;

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(blast));
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                DatagramPacket p = (DatagramPacket) msg;
                try {
                    ByteBuf in = p.content();
                    int r = in.readerIndex();
                    if (in.readableBytes() < Proto.UDP_HEADER || in.getLong(r) != runId) {
                        return;
                    }
                    long seq = in.getLong(r + 8);
                    if (seq >= 0) {
                        long t = System.nanoTime();
                        if (received++ == 0) {
                            first = t;
                        }
                        last = t;
                    } else if (seq == Proto.UDP_END && in.readableBytes() >= 24) {
                        result.complete(new UdpRun(in.getLong(r + 16), 0, received, last - first));
                    }
                } finally {
                    p.release();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                // a datagram channel closes only at the end of the run
            }
        };
        Bootstrap b = new Bootstrap().group(group).channel(datagramClass())
                .option(ChannelOption.SO_RCVBUF, Proto.UDP_RECV_BUFFER).handler(h);
        ChannelFuture f = b.connect(peer);
        if (!f.await(d.waitMillis())) {
            f.cancel(false);
            throw d.timeout();
        }
        if (!f.isSuccess()) {
            throw new IOException("UDP connect failed", f.cause());
        }
        Channel ch = f.channel();
        try {
            long askAt = System.nanoTime() + nanos + 50_000_000L;
            while (true) {
                d.check();
                long wait = Math.max(1, (askAt - System.nanoTime()) / 1_000_000L);
                try {
                    return h.result.get(wait, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    ch.writeAndFlush(Unpooled.wrappedBuffer(status));
                    askAt = System.nanoTime() + Proto.UDP_END_INTERVAL_MS * 1_000_000L;
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
                }
            }
        } finally {
            closeQuietly(ch);
        }
    }

    @Override
    public Connections connect(InetSocketAddress peer, int n, Deadline d) throws Exception {
        AtomicInteger connected = new AtomicInteger();
        AtomicInteger echoed = new AtomicInteger();
        CompletableFuture<Long> allConnected = new CompletableFuture<>();
        CompletableFuture<Long> allEchoed = new CompletableFuture<>();
        @ChannelHandler.Sharable
        final class Echo extends ChannelInboundHandlerAdapter {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                if (connected.incrementAndGet() == n) {
                    allConnected.complete(System.nanoTime());
                }
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf in = (ByteBuf) msg;
                boolean any = in.isReadable();
                in.release();
                if (any && echoed.incrementAndGet() == n) {
                    allEchoed.complete(System.nanoTime());
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                allConnected.completeExceptionally(cause);
                allEchoed.completeExceptionally(cause);
                ctx.close();
            }
        }
        Bootstrap b = new Bootstrap().group(group).channel(socketClass()).handler(new Echo());
        List<Channel> channels = new ArrayList<>(n);
        try {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ChannelFuture f = b.connect(peer);
                channels.add(f.channel());
                f.addListener(done -> {
                    if (!done.isSuccess()) {
                        allConnected.completeExceptionally(done.cause());
                    }
                });
            }
            long connectNanos = d.await(allConnected) - start;
            return new Connections() {
                @Override
                public long connectNanos() {
                    return connectNanos;
                }

                @Override
                public long echoAll(Deadline dl) throws Exception {
                    long t0 = System.nanoTime();
                    for (Channel ch : channels) {
                        ch.writeAndFlush(ch.alloc().directBuffer(1).writeByte(1));
                    }
                    return dl.await(allEchoed) - t0;
                }

                @Override
                public void close() {
                    closeAll(channels);
                }
            };
        } catch (Exception e) {
            closeAll(channels);
            throw e;
        }
    }

    private static void closeAll(List<Channel> channels) {
        List<ChannelFuture> closing = new ArrayList<>(channels.size());
        for (Channel ch : channels) {
            closing.add(ch.close());
        }
        for (ChannelFuture f : closing) {
            f.awaitUninterruptibly(5_000);
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10_000);
    }
}
