/**
 * Integration tests in a real Felix (and Eclipse Equinox) with SCR, ConfigAdmin, EventAdmin and the
 * reactor's bundles, run by Pax Exam.
 *
 * <p>May import: {@code ipsocket.api} (never the implementation), the OSGi APIs, Pax Exam, JUnit 4.
 */
package ipsocket.itest;
