package io.lockstep.bench;

import java.nio.file.Path;

/**
 * The settings of {@link StepTimeBenchmark}, each default defined once, in {@link #defaults()}.
 *
 * @param steps       timed training steps, after the warm-up, for DL4J and for Lockstep each
 * @param warmup      steps run first and not timed (JIT, workspaces, the barrier stage's launch)
 * @param rounds      timed coordinator round trips of each kind (after 20 untimed ones)
 * @param profileSteps timed steps of each profiled run (after at most 10 untimed ones)
 * @param workers     Lockstep workers W (Spark local[W])
 * @param globalBatch the global batch B of both DL4J and Lockstep
 * @param dataDir     where the Fashion-MNIST IDX files are (or are fetched to)
 * @param fetch       whether to fetch Fashion-MNIST when it is not in {@code dataDir}
 * @param profile     when to run the phase breakdown of a Lockstep step
 * @param seed        seed of the network's initialization and of the data order
 */
record BenchmarkOptions(int steps, int warmup, int rounds, int profileSteps, int workers, int globalBatch,
                        Path dataDir, boolean fetch, Profile profile, long seed) {

    /** When to profile Lockstep's step: always, never, or only when the ratio misses the target. */
    enum Profile {
        AUTO, ALWAYS, NEVER
    }

    static final String USAGE = String.join("\n",
            "usage: StepTimeBenchmark [--steps N] [--warmup N] [--rounds N] [--profile-steps N] [--workers W]",
            "                         [--batch B] [--data DIR] [--no-fetch] [--profile auto|always|never] [--seed S]",
            "  --steps N          timed steps of DL4J fit() and of Lockstep each (default 150)",
            "  --warmup N         untimed steps before them (default 20)",
            "  --rounds N         timed coordinator round trips of each kind (default 300)",
            "  --profile-steps N  timed steps of each profiled run (default 60)",
            "  --workers W        Lockstep workers, Spark local[W] (default 2)",
            "  --batch B          global batch (default 128)",
            "  --data DIR         Fashion-MNIST directory (default data/fashion-mnist); fetched there if missing",
            "  --no-fetch         do not fetch; use synthetic images if DIR has no Fashion-MNIST",
            "  --profile M        phase breakdown of a Lockstep step: auto (when the ratio misses 1.10), always, never",
            "  --seed S           seed of the network and the data order (default 42)");

    BenchmarkOptions {
        if (steps < 1 || warmup < 0 || rounds < 1 || profileSteps < 1) {
            throw new IllegalArgumentException("steps, rounds and profile steps must be >= 1 and warmup >= 0");
        }
        if (workers < 1 || globalBatch < workers) {
            throw new IllegalArgumentException("need 1 <= workers <= global batch, got " + workers + " and "
                    + globalBatch);
        }
    }

    static BenchmarkOptions defaults() {
        return new BenchmarkOptions(150, 20, 300, 60, 2, 128, Path.of("data/fashion-mnist"), true, Profile.AUTO, 42);
    }

    /** Parses the command line over the defaults; throws {@link IllegalArgumentException} with a one-line reason. */
    static BenchmarkOptions parse(String... args) {
        BenchmarkOptions d = defaults();
        int steps = d.steps;
        int warmup = d.warmup;
        int rounds = d.rounds;
        int profileSteps = d.profileSteps;
        int workers = d.workers;
        int globalBatch = d.globalBatch;
        Path dataDir = d.dataDir;
        boolean fetch = d.fetch;
        Profile profile = d.profile;
        long seed = d.seed;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--no-fetch")) {
                fetch = false;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value (or is unknown)");
            }
            String value = args[++i];
            switch (flag) {
                case "--steps" -> steps = OptionValues.integer(flag, value);
                case "--warmup" -> warmup = OptionValues.integer(flag, value);
                case "--rounds" -> rounds = OptionValues.integer(flag, value);
                case "--profile-steps" -> profileSteps = OptionValues.integer(flag, value);
                case "--workers" -> workers = OptionValues.integer(flag, value);
                case "--batch" -> globalBatch = OptionValues.integer(flag, value);
                case "--data" -> dataDir = Path.of(value);
                case "--profile" -> profile = profile(value);
                case "--seed" -> seed = OptionValues.longValue(flag, value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        return new BenchmarkOptions(steps, warmup, rounds, profileSteps, workers, globalBatch, dataDir, fetch, profile,
                seed);
    }

    private static Profile profile(String value) {
        try {
            return Profile.valueOf(value.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--profile takes auto, always or never, got '" + value + "'");
        }
    }
}
