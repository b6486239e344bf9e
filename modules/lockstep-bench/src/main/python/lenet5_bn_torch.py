#!/usr/bin/env python3
"""The PyTorch contender of Lockstep's peer benchmark (modules/lockstep-bench, io.lockstep.bench.PeerBenchmark).

Trains LeNet-5-BN on Fashion-MNIST on the CPU under the benchmark's protocol, the network, initialization,
normalization, batch, optimizer and data files of the Java contenders:

  conv5x5(6, pad 2, no bias)-BN-ReLU-maxpool2-conv5x5(16, no bias)-BN-ReLU-maxpool2-dense120(no bias)-BN-ReLU-
  dense84(no bias)-BN-ReLU-dense10 (softmax cross-entropy); He-normal weights (DL4J's RELU init, fan-in), Xavier-normal
  for the output layer, zero output bias; BN eps 1e-5, momentum 0.1 (DL4J's decay 0.9); Adam (0.9, 0.999, 1e-8).

Every epoch in a fresh seeded order, global batches of --batch images (the last partial one dropped), each batch
normalized from uint8 as (x / 255 - mean) / std. The full test set is evaluated after every --eval-every steps and
after the last step (model.eval(), no gradients), with the clock stopped; training stops at the first evaluation
at or above --target, or after --max-epochs epochs.

Progress goes to stderr; the result is one JSON line on stdout. Exits 3 when torch cannot be imported.
"""
import argparse
import gzip
import json
import struct
import sys
import time

try:
    import torch
    from torch import nn
except ImportError as error:
    print("lenet5_bn_torch: cannot import torch (%s): run deploy/install-bench-tools.sh" % error, file=sys.stderr)
    sys.exit(3)

IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801


def read_idx(path, magic):
    """An IDX file (gzipped when its name ends in .gz) as a uint8 tensor of its dimensions."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    found, = struct.unpack(">i", data[:4])
    if found != magic:
        raise ValueError("%s: magic number %#010x, expected %#010x" % (path, found, magic))
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "i" * ndim, data[4:4 + 4 * ndim])
    return torch.frombuffer(bytearray(data[4 + 4 * ndim:]), dtype=torch.uint8).reshape(dims)


def lenet5_bn():
    net = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2, bias=False), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120, bias=False), nn.BatchNorm1d(120), nn.ReLU(),
        nn.Linear(120, 84, bias=False), nn.BatchNorm1d(84), nn.ReLU(),
        nn.Linear(84, 10))
    hidden = [m for m in net if isinstance(m, (nn.Conv2d, nn.Linear))]
    for layer in hidden[:-1]:
        nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
    nn.init.xavier_normal_(hidden[-1].weight)
    nn.init.zeros_(hidden[-1].bias)
    return net


def normalized(images, mean, std):
    # uint8 (N, 28, 28) -> float (N, 1, 28, 28)
    return ((images.float() / 255.0 - mean) / std).unsqueeze(1)


def accuracy(net, images, labels, mean, std):
    net.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(labels), 1000):
            logits = net(normalized(images[start:start + 1000], mean, std))
            correct += (logits.argmax(1) == labels[start:start + 1000].long()).sum().item()
    net.train()
    return correct / len(labels)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-images", required=True)
    parser.add_argument("--train-labels", required=True)
    parser.add_argument("--test-images", required=True)
    parser.add_argument("--test-labels", required=True)
    parser.add_argument("--mean", type=float, required=True)
    parser.add_argument("--std", type=float, required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--lr", type=float, required=True)
    parser.add_argument("--eval-every", type=int, required=True)
    parser.add_argument("--target", type=float, required=True)
    parser.add_argument("--max-epochs", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train_x = read_idx(args.train_images, IMAGES_MAGIC)
    train_y = read_idx(args.train_labels, LABELS_MAGIC).long()
    test_x = read_idx(args.test_images, IMAGES_MAGIC)
    test_y = read_idx(args.test_labels, LABELS_MAGIC)
    steps_per_epoch = len(train_y) // args.batch
    total_steps = args.max_epochs * steps_per_epoch

    net = lenet5_bn()
    optimizer = torch.optim.Adam(net.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    loss_of = nn.CrossEntropyLoss()
    order = torch.Generator().manual_seed(args.seed)
    evaluations = []
    trained = 0.0
    steps = 0
    done = False
    net.train()
    while not done:
        permutation = torch.randperm(len(train_y), generator=order)
        started = time.perf_counter()
        for i in range(steps_per_epoch):
            batch = permutation[i * args.batch:(i + 1) * args.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_of(net(normalized(train_x[batch], args.mean, args.std)), train_y[batch])
            loss.backward()
            optimizer.step()
            steps += 1
            if steps % args.eval_every == 0 or steps == total_steps:
                trained += time.perf_counter() - started
                value = accuracy(net, test_x, test_y, args.mean, args.std)
                evaluations.append({"steps": steps, "train_seconds": trained, "accuracy": value})
                print("pytorch: step %d (epoch %.2f), %.1f s of training, test accuracy %.4f"
                      % (steps, steps / steps_per_epoch, trained, value), file=sys.stderr, flush=True)
                started = time.perf_counter()
                if value >= args.target or steps == total_steps:
                    done = True
                    break
        if not done:
            trained += time.perf_counter() - started
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "steps_per_epoch": steps_per_epoch, "steps": steps, "images": steps * args.batch,
                      "train_seconds": trained, "evaluations": evaluations}))


if __name__ == "__main__":
    main()
