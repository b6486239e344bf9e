package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PeerOptionsTest {

    @Test
    void noArgumentsGiveTheDefaults() {
        PeerOptions options = PeerOptions.parse();
        assertEquals(PeerOptions.defaults(), options);
        assertEquals(0.88, options.target());
        assertEquals(EnumSet.allOf(Contender.class), options.contenders());
    }

    @Test
    void everyOptionIsTaken() {
        PeerOptions o = PeerOptions.parse("--max-epochs", "2", "--target", "0.7", "--eval-every", "10",
                "--contenders", "pytorch, lockstep-w2", "--data", "/tmp/d", "--seed", "5", "--python", "/opt/py",
                "--torch-script", "t.py");
        assertEquals(new PeerOptions(2, 0.7, 10, EnumSet.of(Contender.LOCKSTEP_W2, Contender.PYTORCH), Path.of("/tmp/d"),
                5, Path.of("/opt/py"), Path.of("t.py")), o);
        assertTrue(o.contenders().contains(Contender.PYTORCH));
        assertFalse(o.contenders().contains(Contender.PARAM_AVG));
    }

    @Test
    void contendersAreNamedAsOnTheCommandLine() {
        assertEquals(Set.of(Contender.DL4J_FIT, Contender.PARAM_AVG),
                PeerOptions.parse("--contenders", "paramavg,DL4J-FIT").contenders());
    }

    @Test
    void badArgumentsAreRejectedWithAReasonNamingTheOption() {
        assertMessage("unknown option --epochs", "--epochs", "3");
        assertMessage("--max-epochs needs a value (or is unknown)", "--max-epochs");
        assertMessage("--max-epochs takes an integer, got 'x'", "--max-epochs", "x");
        assertMessage("--target takes a number, got 'high'", "--target", "high");
        assertMessage("--target must be in (0, 1], got 88.0", "--target", "88");
        assertMessage("--max-epochs and --eval-every must be >= 1", "--eval-every", "0");
        assertMessage("--contenders names none", "--contenders", ",");
        assertThrows(IllegalArgumentException.class, () -> PeerOptions.parse("--contenders", "bigdl"));
    }

    private static void assertMessage(String expected, String... args) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> PeerOptions.parse(args)).getMessage());
    }
}
