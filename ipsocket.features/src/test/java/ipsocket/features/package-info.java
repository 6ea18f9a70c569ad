/**
 * Tests of what the build publishes for other runtimes and tools: the Karaf features repository
 * in a stock Apache Karaf distribution started as a process ({@link ipsocket.features.KarafProcess}),
 * driven over its SSH console ({@link ipsocket.features.KarafConsole}) as an operator would, with
 * loopback peers of the test's own ({@link ipsocket.features.KarafFeaturesIT}); and the OSGi
 * repository index, resolved by bnd's resolver ({@link ipsocket.features.RepositoryIndexIT}).
 */
package ipsocket.features;
