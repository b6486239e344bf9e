package io.lockstep.spark.rpc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * Lockstep's messages as bytes between JVMs, read back with Lockstep's own class loader.
 *
 * <p>Spark's RPC deserializes what arrives on an executor with the class loader that was current when the
 * executor's RPC environment started: the system class loader, which does not see the application jar (Spark
 * adds that jar to the tasks' class loader only). A {@code byte[]} is a class every loader knows, so the
 * messages cross Spark's RPC as bytes and are deserialized here, with the loader that loaded Lockstep.
 */
final class WireCodec {
    private static final ClassLoader LOCKSTEP_LOADER = WireCodec.class.getClassLoader();

    private WireCodec() {
    }

    /** A failed call's cause, carried as a reply so that its class resolves like any other message's. */
    record Failure(Throwable cause) implements Serializable {
    }

    static byte[] encode(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize " + value.getClass().getName() + ": " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    static Object decode(byte[] bytes) {
        try (ObjectInputStream in = new LockstepObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("cannot deserialize a Lockstep message: " + e, e);
        }
    }

    private static final class LockstepObjectInputStream extends ObjectInputStream {
        LockstepObjectInputStream(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass descriptor) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(descriptor.getName(), false, LOCKSTEP_LOADER);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(descriptor); // primitives' array classes and the JDK's own
            }
        }
    }
}
