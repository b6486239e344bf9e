package io.lockstep.collective;

/**
 * One rank's handle on a group of ranks that reduce vectors together. Every rank must contribute to every
 * key, with vectors of one length and the same reduction; the reduced vector is identical on all ranks.
 */
public interface Collective {

    int rank();

    int worldSize();

    /** Contributes this rank's vector and blocks until the reduction over all ranks is known. */
    double[] allReduce(CollectiveKey key, double[] contribution, Reduction reduction);

    /**
     * Contributes without waiting for the result: for a rank with no examples this step, which must still
     * send its neutral contribution so that the other ranks are not blocked.
     */
    void contribute(CollectiveKey key, double[] contribution, Reduction reduction);
}
