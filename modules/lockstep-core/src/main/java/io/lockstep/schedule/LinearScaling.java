package io.lockstep.schedule;

/**
 * The linear scaling rule (Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour", 2017,
 * section 2.1): "when the minibatch size is multiplied by k, multiply the learning rate by k", with the rate
 * stated for a reference batch of 256,
 * <pre>
 *   lr = referenceRate * globalBatch / referenceBatch        (referenceBatch = 256 unless given)
 * </pre>
 * The global batch is the one the driver steps with, summed over all workers. Pair it with a {@link Warmup}: the
 * rule fails early in training without one (Goyal et al., section 2.2). Example:
 * {@code Warmup.of(500, CosineAnnealing.of(LinearScaling.learningRate(0.1, 1024), 20_000))}.
 */
public final class LinearScaling {

    /** The batch size that reference rates are stated for, 256 (Goyal et al. 2017). */
    public static final long REFERENCE_BATCH = 256;

    private LinearScaling() {
    }

    /** {@code referenceRate * globalBatch / 256}. */
    public static double learningRate(double referenceRate, long globalBatch) {
        return learningRate(referenceRate, globalBatch, REFERENCE_BATCH);
    }

    /** {@code referenceRate * globalBatch / referenceBatch}. */
    public static double learningRate(double referenceRate, long globalBatch, long referenceBatch) {
        Require.positiveRate("referenceRate", referenceRate);
        Require.atLeastOne("globalBatch", globalBatch);
        Require.atLeastOne("referenceBatch", referenceBatch);
        return referenceRate * globalBatch / referenceBatch;
    }
}
