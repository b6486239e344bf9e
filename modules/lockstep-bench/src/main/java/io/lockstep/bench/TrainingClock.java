package io.lockstep.bench;

import java.util.function.LongSupplier;

/** A stopwatch of training time only: it runs while training runs and stands still while the test set is evaluated. */
final class TrainingClock {
    private final LongSupplier nanoTime;
    private long elapsed;
    private long resumedAt = -1;

    TrainingClock(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    static TrainingClock system() {
        return new TrainingClock(System::nanoTime);
    }

    void resume() {
        if (resumedAt < 0) {
            resumedAt = nanoTime.getAsLong();
        }
    }

    void pause() {
        if (resumedAt >= 0) {
            elapsed += nanoTime.getAsLong() - resumedAt;
            resumedAt = -1;
        }
    }

    double seconds() {
        long running = resumedAt >= 0 ? nanoTime.getAsLong() - resumedAt : 0;
        return (elapsed + running) / 1e9;
    }
}
