package ipsocket.bench.events;

import java.io.IOException;
import java.nio.ByteBuffer;

import ipsocket.api.IpSocket;
import ipsocket.api.TcpSocket;
import ipsocket.bench.Proto;

/** Bulk send, as tcp-throughput's ipsocket client: 64 KiB writes continued from bytesWritten on the loop thread. */
final class TxListener extends RunListener {
    private ByteBuffer data = ByteBuffer.allocate(0);
    private long notStarted;

    void start(TcpSocket s, Run r, int chunk) {
        synchronized (this) {
            if (data.capacity() != chunk) {
                data = ByteBuffer.wrap(Proto.pattern(chunk));
            }
            data.limit(0);
            notStarted = r.bytes;
            run = r;
            r.startNanos = System.nanoTime();
            // Only the header from this thread: its bytesWritten starts the pump on the loop
            // thread, where a gateway bundle writes from (and where tcp-throughput's client does).
            if (s.write(Proto.longBytes(r.bytes)) != 8) {
                r.fail(new IOException("header write refused: " + s.getErrorString()));
            }
        }
    }

    @Override
    public void bytesWritten(IpSocket s, long n) {
        Run r = run;
        if (r != null) {
            synchronized (this) {
                pump(s, r);
            }
        }
    }

    /** Offers 64 KiB writes until the write buffer takes no more. */
    private void pump(IpSocket s, Run r) {
        int chunk = data.capacity();
        while (data.hasRemaining() || notStarted > 0) {
            if (!data.hasRemaining()) {
                int n = (int) Math.min(chunk, notStarted);
                data.clear().limit(n);
                notStarted -= n;
            }
            long accepted = s.write(data);
            if (accepted <= 0) {
                if (accepted < 0) {
                    r.fail(new IOException("write refused: " + s.getErrorString()));
                }
                return;
            }
        }
    }

    @Override
    public void readyRead(IpSocket s) {
        byte[] in = s.readAll();
        Run r = run;
        if (r == null || in.length == 0) {
            return;
        }
        if (in.length != 1 || in[0] != Proto.ACK) {
            r.fail(new IOException("sink answered " + in.length + " bytes starting with " + in[0]));
        } else {
            r.finish();
        }
    }
}
