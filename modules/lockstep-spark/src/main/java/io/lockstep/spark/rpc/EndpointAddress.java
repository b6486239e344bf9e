package io.lockstep.spark.rpc;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where an endpoint registered on the driver listens: the driver's RPC host and port and the endpoint's
 * unique name. Small and serializable, so that it travels to the tasks in their closure.
 */
public final class EndpointAddress implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final int port;
    private final String name;

    public EndpointAddress(String host, int port, String name) {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host must be given");
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535, got " + port);
        }
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("endpoint name must be given");
        }
        this.host = host;
        this.port = port;
        this.name = name;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EndpointAddress that
                && port == that.port && host.equals(that.host) && name.equals(that.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, name);
    }

    /** In Spark's own notation, {@code spark://name@host:port}. */
    @Override
    public String toString() {
        return "spark://" + name + "@" + host + ":" + port;
    }
}
