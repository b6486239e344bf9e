package io.lockstep.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The application jar holds what the cluster does not (Lockstep, DL4J, ND4J and its linux-x86_64 natives) and
 * nothing that the Spark home holds: on a cluster Spark's jars come first on the class path, so a class in both
 * would be dead weight at best and a version conflict at worst.
 */
class ApplicationJarIT {
    /** The budget of the application jar with the natives of one platform. */
    private static final long SIZE_BUDGET_BYTES = 200L * 1024 * 1024;

    @Test
    void staysWithinItsSizeBudget() throws IOException {
        long size = Files.size(DistPaths.applicationJar());
        System.out.printf("application jar %s: %,d bytes (%.1f MiB)%n", DistPaths.applicationJar().getFileName(), size,
                size / 1024.0 / 1024.0);
        assertTrue(size < SIZE_BUDGET_BYTES, "application jar of " + size + " bytes exceeds the 200 MB budget");
    }

    @Test
    void startsTheLockstepCommand() throws IOException {
        try (JarFile jar = new JarFile(DistPaths.applicationJar().toFile())) {
            assertEquals("io.lockstep.cli.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            assertTrue(jar.getEntry("io/lockstep/spark/kryo/LockstepKryoRegistrator.class") != null);
            assertTrue(text(jar, "reference.conf").contains("lockstep"), "Lockstep's reference.conf");
        }
    }

    @Test
    void carriesNd4jWithItsLinuxNativesAndServiceFiles() throws IOException {
        try (JarFile jar = new JarFile(DistPaths.applicationJar().toFile())) {
            List<String> natives = jar.stream().map(ZipEntry::getName)
                    .filter(name -> name.contains("/linux-x86_64") && name.contains(".so")).toList();
            assertTrue(natives.stream().anyMatch(n -> n.endsWith("/libjnind4jcpu.so")), "ND4J's JNI library: " + natives);
            assertTrue(natives.stream().anyMatch(n -> n.endsWith("/libopenblas.so.0")), "OpenBLAS: " + natives);
            assertTrue(natives.stream().anyMatch(n -> n.endsWith("/libjnijavacpp.so")), "JavaCPP: " + natives);
            assertTrue(text(jar, "META-INF/services/org.nd4j.linalg.factory.Nd4jBackend")
                    .contains("org.nd4j.linalg.cpu.nativecpu.CpuBackend"), "ND4J's backend service file");
        }
    }

    @Test
    void leavesSparkScalaAndHadoopToTheCluster() throws IOException {
        try (ZipFile jar = new ZipFile(DistPaths.applicationJar().toFile())) {
            List<String> provided = jar.stream().map(ZipEntry::getName)
                    .filter(name -> name.startsWith("org/apache/spark/") || name.startsWith("scala/")
                            || name.startsWith("org/apache/hadoop/"))
                    .limit(5).toList();
            assertEquals(List.of(), provided);
        }
    }

    @Test
    void sharesNoClassWithTheSparkHome() throws IOException {
        Map<String, String> sparkClasses = new HashMap<>();
        try (var jars = Files.list(DistPaths.sparkHome().resolve("jars"))) {
            for (Path jarPath : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                try (ZipFile jar = new ZipFile(jarPath.toFile())) {
                    jar.stream().map(ZipEntry::getName).filter(ApplicationJarIT::isClass)
                            .forEach(name -> sparkClasses.putIfAbsent(name, jarPath.getFileName().toString()));
                }
            }
        }
        List<String> shared = new ArrayList<>();
        try (ZipFile jar = new ZipFile(DistPaths.applicationJar().toFile())) {
            jar.stream().map(ZipEntry::getName).filter(sparkClasses::containsKey)
                    .forEach(name -> shared.add(name + " (also in " + sparkClasses.get(name) + ")"));
        }
        assertEquals(List.of(), shared.subList(0, Math.min(20, shared.size())),
                shared.size() + " classes of the application jar are also in the Spark home");
    }

    /** A class file, not a module descriptor nor a multi-release variant (those are picked by the JVM). */
    private static boolean isClass(String name) {
        return name.endsWith(".class") && !name.endsWith("module-info.class") && !name.startsWith("META-INF/");
    }

    private static String text(ZipFile jar, String entry) throws IOException {
        ZipEntry found = jar.getEntry(entry);
        assertTrue(found != null, entry + " is in the jar");
        try (InputStream in = jar.getInputStream(found)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
