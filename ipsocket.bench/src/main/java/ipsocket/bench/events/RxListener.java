package ipsocket.bench.events;

import java.io.IOException;

import ipsocket.api.IpSocket;

/** Bulk receive: the application takes every arrival with readAll(). */
final class RxListener extends RunListener {
    private long received;
    private Run counting;

    @Override
    public void readyRead(IpSocket s) {
        byte[] in = s.readAll();
        Run r = run;
        if (r == null) {
            return;
        }
        if (counting != r) {
            counting = r;
            received = 0;
        }
        received += in.length;
        if (received == r.bytes) {
            r.finish();
        } else if (received > r.bytes) {
            r.fail(new IOException("received " + received + " bytes, expected " + r.bytes));
        }
    }
}
