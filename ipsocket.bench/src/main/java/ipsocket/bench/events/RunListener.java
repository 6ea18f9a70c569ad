package ipsocket.bench.events;

import java.io.IOException;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketError;
import ipsocket.api.SocketListener;

/** Fails the current run on a socket error or disconnect. */
abstract class RunListener implements SocketListener {
    volatile Run run;

    @Override
    public void errorOccurred(IpSocket socket, SocketError error, String errorString) {
        Run r = run;
        if (r != null) {
            r.fail(new IOException(socket.getObjectId() + ": " + error + ": " + errorString));
        }
    }

    @Override
    public void disconnected(IpSocket socket) {
        Run r = run;
        if (r != null) {
            r.fail(new IOException(socket.getObjectId() + " disconnected"));
        }
    }
}
