package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.step.StepOutcome;
import io.lockstep.step.StepOutcome.Intervention;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What {@link Progress} prints on a terminal and in a log. */
class ProgressTest {
    private static final long SECOND = 1_000_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong();

    @Test
    void logPrintsTheFirstStepThenEveryTenSecondsAndTheLast() {
        Progress progress = new Progress(out, false, 0, 100, 2, clock::get);
        for (int step = 0; step < 100; step++) {
            clock.addAndGet(SECOND / 2); // 2 steps per second: a line every 20 steps
            progress.onStep(outcome(step), step / 50, 500, 1);
        }
        List<String> lines = text().lines().toList();
        assertEquals(List.of(1, 21, 41, 61, 81, 100), lines.stream()
                .map(line -> Integer.parseInt(line.replaceAll("^lockstep: step (\\d+)/100.*", "$1"))).toList());
        assertEquals("lockstep: step 100/100  epoch 2/2  loss 0.5000  256 img/s  ETA 0s", lines.get(5));
    }

    @Test
    void terminalRedrawsOneLine() {
        Progress progress = new Progress(out, true, 0, 4, 1, clock::get);
        for (int step = 0; step < 4; step++) {
            clock.addAndGet(SECOND);
            progress.onStep(outcome(step), 0, 1000, 1);
        }
        String text = text();
        assertEquals(4, text.chars().filter(c -> c == '\r').count());
        assertTrue(text.endsWith(System.lineSeparator()), text);
        assertEquals(1, text.chars().filter(c -> c == '\n').count(), "one line, ended once");
        assertTrue(text.contains("\r[######..................] step 1/4  epoch 1/1  loss 0.5000  128 img/s  ETA 3s"), text);
        assertTrue(text.contains("[########################] step 4/4"), text);
    }

    @Test
    void resumedRunCountsFromItsFirstStep() {
        Progress progress = new Progress(out, false, 90, 100, 2, clock::get);
        clock.addAndGet(SECOND);
        progress.onStep(outcome(90), 1, 1000, 1);
        assertTrue(text().startsWith("lockstep: step 91/100  epoch 2/2"), text());
    }

    @Test
    void interventionsShowInsteadOfTheLoss() {
        Progress progress = new Progress(out, false, 0, 10, 1, clock::get);
        progress.onStep(new StepOutcome(0, 128, Double.NaN, Double.NaN, 1, 1e-3, Intervention.SKIPPED_NON_FINITE, null),
                0, 1, 1);
        assertTrue(text().contains("loss non-finite (step skipped)"), text());
    }

    @Test
    void durations() {
        assertEquals("42s", Progress.duration(42.4));
        assertEquals("3m05s", Progress.duration(185));
        assertEquals("1h02m", Progress.duration(3720));
    }

    private static StepOutcome outcome(long step) {
        return new StepOutcome(step, 128, 0.5, 1.0, 1.0, 1e-3, Intervention.NONE, null);
    }

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
