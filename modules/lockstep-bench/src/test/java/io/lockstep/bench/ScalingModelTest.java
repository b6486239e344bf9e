package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The model's predictions against figures worked out by hand from its formulas (docs/scaling.md). */
class ScalingModelTest {
    private static final double EPS = 1e-9;
    /**
     * e 0.5, slowdown 1.2, rounds 0.1 ms + 0.01 ms/rank + 10 ns/value, small reply encoded 0.03 ms, request
     * decoded 0.04 ms, copies 2 ns/value, driver 1 ms + 3 ns per value and rank + 20 ns per value, serialization
     * 1 ns/B, deserialization 0.5 ns/B.
     */
    private static final ScalingModel MODEL = new ScalingModel(new ScalingModel.Costs(0.5, 1.2, 0.1, 0.01, 10, 0.03,
            0.04, 2, 1, 3, 20, 1, 0.5));
    /** 1M float parameters, 2 SyncBN layers of 10 channels (21 doubles a round), 5 ms + 1 ms per example. */
    private static final ScalingModel.Workload WORK = new ScalingModel.Workload("test", 1_000_000, 4, 2, 10, 5, 1);

    @Test
    void localModeWithTwoWorkersOnTwoCores() {
        // n = 64, k = 1, h = 2: compute 1.2 * (5 + 64) = 82.8; a round of 21 values 0.1 + 2 * (0.01 + 21 * 10e-6)
        // = 0.12042, 4 of them 0.48168; step round 0.12; copies 2; driver 1 + 2 * 3 + 20 = 27; no bytes on a wire
        ScalingModel.Breakdown b = MODEL.driverReduce(WORK, ScalingModel.Deployment.localMode(2, 128, 2));
        assertEquals(82.8, b.compute(), EPS);
        assertEquals(0.48168, b.bnRounds(), EPS);
        assertEquals(0.12, b.stepRound(), EPS);
        assertEquals(2, b.workerCopies(), EPS);
        assertEquals(0, b.ingress() + b.egress(), EPS);
        assertEquals(27, b.driverStep(), EPS);
        assertEquals(112.40168, b.total(), EPS);
    }

    @Test
    void moreWorkersThanCoresShareThemInTime() {
        // n = 32, k = 1, h = 4 on 2 cores: 1.2 * (5 + 32) * 4 / 2
        assertEquals(88.8, MODEL.compute(WORK, ScalingModel.Deployment.localMode(4, 128, 2)), EPS);
    }

    @Test
    void fourHostsOnTenGigabitEthernet() {
        ScalingModel.Link link = ScalingModel.Link.ethernet("10 GbE", 10, 1.1);
        ScalingModel.Deployment at = new ScalingModel.Deployment(4, 32, 4, 1, 4, link);
        ScalingModel.Breakdown b = MODEL.driverReduce(WORK, at);
        // compute (5 + 32) / (1 + 0.5 * 3) = 14.8
        assertEquals(14.8, b.compute(), EPS);
        // round of 21 values: 0.1 + 1.1 + 4 * (0.01 + 21 * 10e-6 + 0.04 + 0.03 + 8 * 21 * 1.5e-6) on the
        // coordinator's thread = 1.2 + 4 * 0.080462 = 1.521848, 4 of them
        assertEquals(6.087392, b.bnRounds(), EPS);
        // no values: 1.2 + 4 * (0.01 + 0.04 + 0.03)
        assertEquals(1.52, b.stepRound(), EPS);
        // copies 2 + 4 MB * 1.5 ns/B
        assertEquals(8, b.workerCopies(), EPS);
        // W P b = 16 MB: 12.8 ms at 1.25 GB/s; decoded in 8 ms, encoded in 16 ms
        assertEquals(12.8, b.ingress(), EPS);
        assertEquals(16, b.egress(), EPS);
        assertEquals(33, b.driverStep(), EPS);
        assertEquals(92.207392, b.total(), EPS);
        assertEquals(1.52 + 12.8 + 33 + 16, b.gradientRound(), EPS);
    }

    @Test
    void theShardedReduceMovesPOverWPerPeer() {
        ScalingModel.Link link = ScalingModel.Link.ethernet("10 GbE", 10, 1.1);
        ScalingModel.Breakdown b = MODEL.shardedReduce(WORK, new ScalingModel.Deployment(4, 32, 4, 1, 4, link));
        // each phase: 3/4 * 4 MB = 3 MB per worker, 2.4 ms; deserializing 4 MB 2 ms, serializing 4 ms
        assertEquals(2.4, b.ingress(), EPS);
        assertEquals(4, b.egress(), EPS);
        // a shard owner: 1 + 1M * (3 + 20 / 4) ns
        assertEquals(9, b.driverStep(), EPS);
        assertEquals(3.04, b.stepRound(), EPS);
        assertEquals(47.327392, b.total(), EPS);
        // two workers to a host share its NIC: 2 * 3 MB a phase, 4.8 ms
        ScalingModel.Breakdown shared = MODEL.shardedReduce(WORK, new ScalingModel.Deployment(4, 32, 1, 2, 2, link));
        assertEquals(4.8, shared.ingress(), EPS);
        assertEquals(4.8, shared.egress(), EPS);
    }

    @Test
    void kappaIsTheDriversCostPerWorkerAndParameter() {
        // in max(4 B at 1.25 B/ns = 3.2, decoding 4 B * 0.5 ns/B = 2), sum 3, out max(3.2, 4 B * 1 ns/B = 4)
        assertEquals(10.2, MODEL.kappaNs(ScalingModel.Link.ethernet("10 GbE", 10, 1.1), 4), EPS);
        // in one JVM only the sum is left
        assertEquals(3, MODEL.kappaNs(ScalingModel.Link.inProcess(), 4), EPS);
    }

    @Test
    void impossibleSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new ScalingModel.Deployment(0, 32, 1, 1, 1, ScalingModel.Link.inProcess()));
        assertThrows(IllegalArgumentException.class, () -> ScalingModel.Link.ethernet("none", 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ScalingModel.Workload("empty", 0, 4, 0, 0, 0, 0));
    }
}
