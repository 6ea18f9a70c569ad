/**
 * Tests of the Karaf features repository: a stock Apache Karaf distribution started as a
 * process ({@link ipsocket.features.KarafProcess}), driven over its SSH console
 * ({@link ipsocket.features.KarafConsole}) as an operator would, with loopback peers of the
 * test's own ({@link ipsocket.features.KarafFeaturesIT}).
 */
package ipsocket.features;
