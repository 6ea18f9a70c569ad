package ipsocket.impl.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the shared event loop (PID {@code ipsocket.EventLoop}). */
@ObjectClassDefinition(id = "ipsocket.EventLoop", name = "ipsocket event loop",
        description = "The shared I/O threads that every ipsocket socket runs on.")
public @interface EventLoopConfiguration {

    /**
     * Returns the number of I/O threads.
     *
     * @return the thread count
     */
    @AttributeDefinition(name = "I/O threads", min = "1", max = "64",
            description = "Number of I/O threads, each with its own selector; sockets are spread over"
                    + " them round-robin. One thread carries thousands of sockets; more help only when"
                    + " several sockets move data at high rates. Changing it restarts every socket.")
    int ioThreads() default 1;
}
