package io.lockstep.bench;

import io.lockstep.data.Split;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * PyTorch on the CPU under the {@link PeerProtocol}: {@code lenet5_bn_torch.py} in Debian's Python with Debian's
 * python3-torch, on all cores, the same IDX files, normalization, batch, learning rate, seed and protocol. Its
 * progress lines go to this process's stderr; its result comes back as one JSON line on stdout, with its own clock's
 * training time (evaluations excluded, as here).
 */
final class TorchPeer {
    /** The script's exit code when torch cannot be imported. */
    static final int NO_TORCH = 3;

    private TorchPeer() {
    }

    static PeerResult run(PeerOptions options, PeerData data, PeerProtocol protocol) {
        if (!Files.isExecutable(options.python())) {
            return PeerResult.failed(Contender.PYTORCH, "no " + options.python()
                    + ": run deploy/install-bench-tools.sh");
        }
        if (!Files.isRegularFile(options.torchScript())) {
            return PeerResult.failed(Contender.PYTORCH, "--torch-script: no file " + options.torchScript());
        }
        List<String> train = data.files(Split.TRAIN);
        List<String> test = data.files(Split.TEST);
        List<String> command = List.of(options.python().toString(), options.torchScript().toString(),
                "--train-images", train.get(0), "--train-labels", train.get(1),
                "--test-images", test.get(0), "--test-labels", test.get(1),
                "--mean", number(data.normalization().mean(0)), "--std", number(data.normalization().std(0)),
                "--batch", String.valueOf(protocol.globalBatch()), "--lr", number(LeNet5Bn.LEARNING_RATE),
                "--eval-every", String.valueOf(protocol.evalEvery()), "--target", number(protocol.target()),
                "--max-epochs", String.valueOf(protocol.maxEpochs()), "--seed", String.valueOf(options.seed()),
                "--threads", String.valueOf(Machine.cores()));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String last = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (!line.isBlank()) {
                        last = line;
                    }
                }
            }
            int exit = process.waitFor();
            if (exit == NO_TORCH) {
                return PeerResult.failed(Contender.PYTORCH, options.python()
                        + " cannot import torch: run deploy/install-bench-tools.sh");
            }
            if (exit != 0 || last == null) {
                return PeerResult.failed(Contender.PYTORCH, options.torchScript() + " exited with " + exit);
            }
            return parse(last, protocol);
        } catch (IOException e) {
            return PeerResult.failed(Contender.PYTORCH, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PeerResult.failed(Contender.PYTORCH, "interrupted");
        }
    }

    /** The script's JSON line as a result; its epoch must be the protocol's. */
    static PeerResult parse(String json, PeerProtocol protocol) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        int stepsPerEpoch = root.path("steps_per_epoch").asInt(-1);
        if (stepsPerEpoch != protocol.stepsPerEpoch()) {
            throw new IOException("the PyTorch script trained " + stepsPerEpoch + " steps per epoch, the protocol "
                    + protocol.stepsPerEpoch());
        }
        List<AccuracyPoint> evaluations = new ArrayList<>();
        for (JsonNode point : root.path("evaluations")) {
            evaluations.add(new AccuracyPoint(point.path("steps").asLong(), point.path("train_seconds").asDouble(),
                    point.path("accuracy").asDouble()));
        }
        return new PeerResult(Contender.PYTORCH, evaluations, root.path("steps").asLong(), root.path("images").asLong(),
                root.path("train_seconds").asDouble(), "torch " + root.path("torch").asText() + ", "
                + root.path("threads").asInt() + " threads", Double.NaN, null);
    }

    private static String number(double value) {
        return Double.toString(value);
    }
}
