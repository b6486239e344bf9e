/**
 * Standard networks built with {@link io.lockstep.nn.SyncBatchNormalization} after every convolution or hidden
 * dense layer, each a DL4J configuration made by {@code configuration(seed, dataType, updater, classes)}:
 * <ul>
 *   <li>{@link io.lockstep.zoo.LeNet5}: 28x28 grey images (MNIST, Fashion-MNIST), a MultiLayerConfiguration;</li>
 *   <li>{@link io.lockstep.zoo.Mlp}: two hidden dense layers on flat images, a MultiLayerConfiguration;</li>
 *   <li>{@link io.lockstep.zoo.ResNet20}: He et al. 2016's CIFAR ResNet-20 for 32x32 colour images, a
 *       ComputationGraphConfiguration.</li>
 * </ul>
 */
package io.lockstep.zoo;
