package io.lockstep.dist;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the build put what the integration tests run: the application jar, the assembled Spark home, the project's
 * deploy/ scripts, and this test run's scratch folder (failsafe passes them as system properties).
 */
final class DistPaths {
    private DistPaths() {
    }

    /** modules/lockstep-dist/target/lockstep-VERSION.jar. */
    static Path applicationJar() {
        return existing("lockstep.dist.jar");
    }

    /** modules/lockstep-dist/target/spark-home (jars/ from Maven Central). */
    static Path sparkHome() {
        return existing("lockstep.dist.spark-home");
    }

    /** The project's deploy/ folder: standalone.sh, submit.sh, conf/. */
    static Path deploy() {
        return existing("lockstep.dist.deploy");
    }

    /** A fresh folder under target/it for one test class. */
    static Path work(String name) {
        Path dir = Path.of(required("lockstep.dist.work")).toAbsolutePath().normalize().resolve(name);
        try {
            if (Files.exists(dir)) {
                try (var walk = Files.walk(dir)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path existing(String property) {
        Path path = Path.of(required(property)).toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new IllegalStateException(property + " = " + path + " does not exist: run through `mvn verify`"
                    + " (the package phase builds it)");
        }
        return path;
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set: run through `mvn verify`");
        }
        return value;
    }
}
