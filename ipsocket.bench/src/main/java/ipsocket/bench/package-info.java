/**
 * The benchmark runner: command line, modes, child JVMs, results as {@code RESULT} lines and the
 * ratio table, JMH launch.
 *
 * <p>May import: its subpackages, JMH, the JDK.
 */
package ipsocket.bench;
