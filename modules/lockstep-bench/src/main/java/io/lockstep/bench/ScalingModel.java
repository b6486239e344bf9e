package io.lockstep.bench;

/**
 * Lockstep's per-step time as a sum of its phases, for W workers and a parameter vector of P values; the formulas
 * of {@code docs/scaling.md}, where each is derived and each constant measured ({@link ScalingPoints} fits them).
 * Times in ms, {@code n} the local batch, {@code b} bytes per value, {@code k} threads per worker, {@code h} workers
 * per host of {@code C} cores:
 * <pre>
 *   step         = compute + bnRounds + stepRound + workerCopies + ingress + driverStep + egress
 *   compute      = slowdown (fixed + perExample n) / (1 + efficiency (k - 1)) max(1, h k / C)
 *                  (slowdown = coLocationSlowdown when h &gt; 1, else 1)
 *   round(W, m)  = roundBase + link.latency + W (roundPerRank + m roundPerValue
 *                  [+ requestDe + replySer + 8 m (de + ser)])
 *   bnRounds     = 2 L round(W, 2c + 1)       (a forward and a backward all-reduce per SyncBN layer)
 *   stepRound    = round(W, 0)                (the gradient round's latency; its bytes are below)
 *   workerCopies = P copy [+ P b (ser + de)]  (gradient out, parameters in, every worker at once)
 *   ingress      = [max(W P b / bandwidth, W P b de)]
 *   driverStep   = driverFixed + W P driverPerRankValue + P driverPerValue
 *   egress       = [max(W P b / bandwidth, W P b ser)]
 * </pre>
 * Terms in brackets apply across JVMs only ({@link Link#serialized()}); in Spark local mode messages are objects.
 * Between JVMs the coordinator's one thread decodes every request and encodes every reply ({@code SparkRpc} carries
 * them as bytes), so a round's and the gradient round's (de)serialization on the driver is serial.
 * {@link #shardedReduce} replaces the driver's gradient round by a reduce-scatter and all-gather among the workers
 * over W shards of P / W values.
 */
final class ScalingModel {
    private final Costs costs;

    ScalingModel(Costs costs) {
        this.costs = costs;
    }

    Costs costs() {
        return costs;
    }

    /**
     * What trains.
     *
     * @param parameters   P: the flat vector the workers send and receive (trainable values and running statistics)
     * @param bytesPerValue b: 4 for float, 8 for double
     * @param bnLayers     L: SyncBN layers (each makes a forward and a backward all-reduce per step)
     * @param bnChannels   c: their mean channel count (an all-reduce carries about 2c + 1 doubles)
     * @param fixedMs      a worker's compute per step that does not grow with its batch, on one core
     * @param perExampleMs a worker's compute per example, on one core
     */
    record Workload(String name, long parameters, int bytesPerValue, int bnLayers, double bnChannels, double fixedMs,
                    double perExampleMs) {
        Workload {
            if (parameters < 1 || bytesPerValue < 1 || bnLayers < 0 || bnChannels < 0 || fixedMs < 0
                    || perExampleMs < 0) {
                throw new IllegalArgumentException("workload " + name + " has a negative or empty size or cost");
            }
        }

        double bytes() {
            return (double) parameters * bytesPerValue;
        }
    }

    /**
     * How workers reach the driver.
     *
     * @param serialized      whether messages are Java-serialized (between JVMs) or handed over as objects (local mode)
     * @param bytesPerMs      the driver NIC's bandwidth each way (full duplex), infinite in one JVM
     * @param latencyMs  added to every round: the network round trip plus Spark RPC's cost of crossing JVMs
     */
    record Link(String name, boolean serialized, double bytesPerMs, double latencyMs) {
        Link {
            if (!(bytesPerMs > 0) || latencyMs < 0) {
                throw new IllegalArgumentException("link " + name + " needs a positive bandwidth and latency >= 0");
            }
        }

        /** Spark local mode: the driver and the tasks in one JVM. */
        static Link inProcess() {
            return new Link("in one JVM", false, Double.POSITIVE_INFINITY, 0);
        }

        /** @param gigabits the NIC's rate in Gbit/s */
        static Link ethernet(String name, double gigabits, double latencyMs) {
            return new Link(name, true, gigabits * 1e9 / 8 / 1e3, latencyMs);
        }
    }

    /**
     * Where it trains.
     *
     * @param localBatch       n: examples per worker per step (the largest shard, which the others wait for)
     * @param threadsPerWorker k: ND4J threads of each worker
     * @param workersPerHost   h: workers sharing one host's cores (all W in local mode)
     * @param coresPerHost     C
     */
    record Deployment(int workers, int localBatch, int threadsPerWorker, int workersPerHost, int coresPerHost,
                      Link link) {
        Deployment {
            if (workers < 1 || localBatch < 0 || threadsPerWorker < 1 || workersPerHost < 1 || coresPerHost < 1) {
                throw new IllegalArgumentException("a deployment needs at least one worker, thread, host worker and core");
            }
        }

        /** Spark local mode on one machine, as SparkTrainer runs it: cores / W threads per task, at least 1. */
        static Deployment localMode(int workers, int globalBatch, int cores) {
            int localBatch = (globalBatch + workers - 1) / workers;
            return new Deployment(workers, localBatch, Math.max(1, cores / workers), workers, cores, Link.inProcess());
        }
    }

    /**
     * The constants of this machine and runtime.
     *
     * @param parallelEfficiency   e: k threads run a worker's compute 1 + e (k - 1) times as fast as one
     * @param coLocationSlowdown   a worker's compute time with the host's cores all busy, over its time alone
     * @param roundBaseMs          a coordinator round's latency that does not grow with W
     * @param roundPerRankMs       the coordinator thread's cost per rank and round (receive, gather, reply)
     * @param roundNsPerValue      its cost per value and rank of an all-reduce (the reduction)
     * @param replySerializeMs     encoding a small reply for the wire (on the coordinator's thread, once per rank)
     * @param requestDeserializeMs decoding a small request from the wire (on the coordinator's thread)
     * @param copyNsPerValue       a worker's copies per parameter and step: the gradient out, the parameters in
     * @param driverFixedMs        the driver's step cost that does not grow with W or P
     * @param driverNsPerRankValue the driver's cost per contribution value (summing the W gradients)
     * @param driverNsPerValue     its cost per parameter (divide, running statistics, norms, guard, updater, reply copy)
     * @param serializeNsPerByte   encoding a float vector for the wire (Java serialization, then Spark's of the bytes)
     * @param deserializeNsPerByte decoding it (both deserializations)
     */
    record Costs(double parallelEfficiency, double coLocationSlowdown, double roundBaseMs, double roundPerRankMs,
                 double roundNsPerValue, double replySerializeMs, double requestDeserializeMs, double copyNsPerValue,
                 double driverFixedMs,
                 double driverNsPerRankValue, double driverNsPerValue, double serializeNsPerByte,
                 double deserializeNsPerByte) {
    }

    /** A step's phases, in ms; their sum is the step. */
    record Breakdown(double compute, double bnRounds, double stepRound, double workerCopies, double ingress,
                     double driverStep, double egress) {
        double total() {
            return compute + bnRounds + stepRound + workerCopies + ingress + driverStep + egress;
        }

        /** The gradient round while every worker waits: latency, bytes in, the reduce and update, bytes out. */
        double gradientRound() {
            return stepRound + ingress + driverStep + egress;
        }
    }

    /** A step as Lockstep takes it: every worker sends its gradient to the driver, which reduces and replies. */
    Breakdown driverReduce(Workload work, Deployment at) {
        Link link = at.link();
        double volume = at.workers() * work.bytes(); // W P b: through the driver's NIC each way
        double ingress = link.serialized()
                ? Math.max(volume / link.bytesPerMs(), volume * costs.deserializeNsPerByte() * 1e-6)
                : 0;
        double egress = link.serialized()
                ? Math.max(volume / link.bytesPerMs(), volume * costs.serializeNsPerByte() * 1e-6)
                : 0;
        double driverStep = costs.driverFixedMs()
                + 1e-6 * work.parameters() * (at.workers() * costs.driverNsPerRankValue() + costs.driverNsPerValue());
        return new Breakdown(compute(work, at), bnRounds(work, at), round(at, 0), workerCopies(work, at), ingress,
                driverStep, egress);
    }

    /**
     * The same step with the gradient reduced among the workers: each owns P / W values, takes everyone's part of
     * them (reduce-scatter), reduces and updates its shard, and sends it to everyone (all-gather). Each worker then
     * sends and receives (W - 1) / W P b per phase, whatever W is, through its host's NIC (shared by the host's h
     * workers); the driver keeps the SyncBN rounds.
     */
    Breakdown shardedReduce(Workload work, Deployment at) {
        Link link = at.link();
        // what a host's NIC carries each way per phase: its workers' (W - 1) / W P b each
        double perHost = at.workersPerHost() * (at.workers() - 1.0) / at.workers() * work.bytes();
        double scatter = link.serialized()
                ? Math.max(perHost / link.bytesPerMs(), work.bytes() * costs.deserializeNsPerByte() * 1e-6)
                : 0;
        double gather = link.serialized()
                ? Math.max(perHost / link.bytesPerMs(), work.bytes() * costs.serializeNsPerByte() * 1e-6)
                : 0;
        double shardStep = costs.driverFixedMs() + 1e-6 * work.parameters()
                * (costs.driverNsPerRankValue() + costs.driverNsPerValue() / at.workers());
        return new Breakdown(compute(work, at), bnRounds(work, at), 2 * round(at, 0), workerCopies(work, at), scatter,
                shardStep, gather);
    }

    /**
     * kappa: what the driver's gradient round costs per worker and per parameter, in ns: bytes in (the NIC or their
     * decoding), the sum, bytes out (the NIC or the encoding of every reply). The driver's round outgrows a worker's
     * compute T at about W = T / (P kappa).
     */
    double kappaNs(Link link, int bytesPerValue) {
        double wire = bytesPerValue / (link.bytesPerMs() * 1e-6);
        double in = link.serialized() ? Math.max(wire, bytesPerValue * costs.deserializeNsPerByte()) : 0;
        double out = link.serialized() ? Math.max(wire, bytesPerValue * costs.serializeNsPerByte()) : 0;
        return in + costs.driverNsPerRankValue() + out;
    }

    double compute(Workload work, Deployment at) {
        double slowdown = at.workersPerHost() > 1 ? costs.coLocationSlowdown() : 1;
        double speedup = 1 + costs.parallelEfficiency() * (at.threadsPerWorker() - 1);
        double timeSliced = Math.max(1.0, (double) at.workersPerHost() * at.threadsPerWorker() / at.coresPerHost());
        return slowdown * (work.fixedMs() + work.perExampleMs() * at.localBatch()) / speedup * timeSliced;
    }

    double bnRounds(Workload work, Deployment at) {
        return 2.0 * work.bnLayers() * round(at, 2 * work.bnChannels() + 1);
    }

    /**
     * One coordinator round of W ranks, each contributing {@code values} doubles: the coordinator's thread takes the
     * ranks one by one (and, between JVMs, decodes each request and encodes each reply).
     */
    double round(Deployment at, double values) {
        Link link = at.link();
        double perRank = costs.roundPerRankMs() + values * costs.roundNsPerValue() * 1e-6;
        if (link.serialized()) {
            perRank += costs.requestDeserializeMs() + costs.replySerializeMs()
                    + 8 * values * (costs.deserializeNsPerByte() + costs.serializeNsPerByte()) * 1e-6;
        }
        return costs.roundBaseMs() + link.latencyMs() + at.workers() * perRank;
    }

    private double workerCopies(Workload work, Deployment at) {
        double copies = work.parameters() * costs.copyNsPerValue() * 1e-6;
        return at.link().serialized()
                ? copies + work.bytes() * (costs.serializeNsPerByte() + costs.deserializeNsPerByte()) * 1e-6
                : copies;
    }
}
