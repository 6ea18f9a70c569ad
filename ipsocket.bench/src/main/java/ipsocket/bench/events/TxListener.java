package ipsocket.bench.events;

import java.io.IOException;

import ipsocket.api.IpSocket;
import ipsocket.api.TcpSocket;
import ipsocket.bench.Proto;
import ipsocket.bench.SendPump;

/** Bulk send, as tcp-throughput's ipsocket client: 64 KiB writes continued from bytesWritten on the loop thread. */
final class TxListener extends RunListener {
    private final SendPump pump = new SendPump();

    void start(TcpSocket s, Run r, int chunk) {
        synchronized (this) {
            pump.reset(r.bytes, chunk);
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
                if (!pump.pump(s)) {
                    r.fail(new IOException("write refused: " + s.getErrorString()));
                }
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
