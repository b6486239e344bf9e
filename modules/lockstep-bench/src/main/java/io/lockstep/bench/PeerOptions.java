package io.lockstep.bench;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The settings of {@link PeerBenchmark}, each default defined once, in {@link #defaults()}.
 *
 * @param maxEpochs   the cap: a contender that has not reached the target after this many epochs has "not reached"
 * @param target      the test accuracy to reach, in (0, 1]
 * @param evalEvery   steps (global batches of 128) between two evaluations of the full test set
 * @param contenders  which contenders run (always in {@link Contender}'s order)
 * @param dataDir     where the Fashion-MNIST IDX files are (or are fetched to)
 * @param seed        seed of every network's initialization and of the data order
 * @param python      the Python that has Debian's python3-torch
 * @param torchScript the PyTorch side of the benchmark
 */
record PeerOptions(int maxEpochs, double target, int evalEvery, Set<Contender> contenders, Path dataDir, long seed,
                   Path python, Path torchScript) {

    static final String USAGE = String.join("\n",
            "usage: run.sh peers [--max-epochs N] [--target A] [--eval-every STEPS] [--contenders LIST] [--data DIR]",
            "                    [--seed S] [--python PATH] [--torch-script PATH]",
            "  --max-epochs N      cap per contender; not reaching the target by then is reported as such (default 5)",
            "  --target A          test accuracy to reach, in (0, 1] (default 0.88)",
            "  --eval-every STEPS  evaluate the full 10,000-image test set every STEPS global batches of 128 and after",
            "                      the last one; evaluation time is not training time (default 78: 6 times an epoch)",
            "  --contenders LIST   comma-separated, from " + Contender.ids() + " (default all)",
            "  --data DIR          Fashion-MNIST IDX files (default data/fashion-mnist; fetched there if missing)",
            "  --seed S            seed of the networks and the data order (default 42)",
            "  --python PATH       the Python with Debian's python3-torch (default /usr/bin/python3;",
            "                      deploy/install-bench-tools.sh installs it)",
            "  --torch-script PATH the PyTorch contender (default modules/lockstep-bench/src/main/python/lenet5_bn_torch.py)");

    PeerOptions {
        if (maxEpochs < 1 || evalEvery < 1) {
            throw new IllegalArgumentException("--max-epochs and --eval-every must be >= 1");
        }
        if (!(target > 0 && target <= 1)) {
            throw new IllegalArgumentException("--target must be in (0, 1], got " + target);
        }
        if (contenders.isEmpty()) {
            throw new IllegalArgumentException("--contenders names none");
        }
        contenders = Set.copyOf(contenders);
    }

    static PeerOptions defaults() {
        return new PeerOptions(5, 0.88, 78, EnumSet.allOf(Contender.class), Path.of("data/fashion-mnist"), 42,
                Path.of("/usr/bin/python3"), Path.of("modules/lockstep-bench/src/main/python/lenet5_bn_torch.py"));
    }

    /** Parses the command line over the defaults; throws {@link IllegalArgumentException} with a one-line reason. */
    static PeerOptions parse(String... args) {
        PeerOptions d = defaults();
        int maxEpochs = d.maxEpochs;
        double target = d.target;
        int evalEvery = d.evalEvery;
        Set<Contender> contenders = d.contenders;
        Path dataDir = d.dataDir;
        long seed = d.seed;
        Path python = d.python;
        Path torchScript = d.torchScript;
        for (int i = 0; i < args.length; i += 2) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value (or is unknown)");
            }
            String value = args[i + 1];
            switch (flag) {
                case "--max-epochs" -> maxEpochs = OptionValues.integer(flag, value);
                case "--target" -> target = OptionValues.decimal(flag, value);
                case "--eval-every" -> evalEvery = OptionValues.integer(flag, value);
                case "--contenders" -> contenders = contenders(value);
                case "--data" -> dataDir = Path.of(value);
                case "--seed" -> seed = OptionValues.longValue(flag, value);
                case "--python" -> python = Path.of(value);
                case "--torch-script" -> torchScript = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        return new PeerOptions(maxEpochs, target, evalEvery, contenders, dataDir, seed, python, torchScript);
    }

    private static Set<Contender> contenders(String value) {
        Set<Contender> set = EnumSet.noneOf(Contender.class);
        for (String id : List.of(value.split(","))) {
            if (!id.isBlank()) {
                set.add(Contender.of(id));
            }
        }
        return set;
    }
}
