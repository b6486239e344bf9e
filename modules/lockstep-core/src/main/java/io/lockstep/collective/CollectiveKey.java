package io.lockstep.collective;

import java.io.Serializable;

/**
 * Names one collective call so that every rank's contribution meets the others': the training step,
 * the call site (for batch norm, the network's layer index) and the phase.
 */
public record CollectiveKey(long step, int site, Phase phase) implements Serializable {

    /** What a collective call carries. */
    public enum Phase {
        /** A batch-norm layer's per-channel moments in the forward pass. */
        BN_FORWARD,
        /** A batch-norm layer's per-channel sum(dy) and sum(dy * x_hat) in the backward pass. */
        BN_BACKWARD
    }

    @Override
    public String toString() {
        return "step " + step + " site " + site + " " + phase;
    }
}
