package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BenchmarkOptionsTest {

    @Test
    void noArgumentsGiveTheDefaults() {
        assertEquals(BenchmarkOptions.defaults(), BenchmarkOptions.parse());
    }

    @Test
    void everyOptionIsTakenAndTheOthersKeepTheirDefaults() {
        BenchmarkOptions o = BenchmarkOptions.parse("--steps", "7", "--warmup", "3", "--rounds", "11", "--profile-steps", "13", "--workers", "4",
                "--batch", "64", "--data", "/tmp/x", "--no-fetch", "--profile", "never", "--seed", "5");
        assertEquals(new BenchmarkOptions(7, 3, 11, 13, 4, 64, Path.of("/tmp/x"), false, BenchmarkOptions.Profile.NEVER, 5),
                o);
        BenchmarkOptions only = BenchmarkOptions.parse("--steps", "9");
        assertEquals(9, only.steps());
        assertEquals(BenchmarkOptions.defaults().warmup(), only.warmup());
        assertFalse(BenchmarkOptions.parse("--no-fetch").fetch());
    }

    @Test
    void badArgumentsAreRejectedWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--steps"));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--steps", "many"));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--bogus", "1"));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--profile", "sometimes"));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--steps", "0"));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--workers", "3", "--batch", "2"));
    }
}
