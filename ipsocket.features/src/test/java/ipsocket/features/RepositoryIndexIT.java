package ipsocket.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.resource.Resource;

import aQute.bnd.build.model.clauses.VersionedClause;
import aQute.bnd.header.Parameters;
import aQute.bnd.osgi.Processor;
import aQute.bnd.osgi.repository.SimpleIndexer;
import aQute.bnd.osgi.repository.XMLResourceGenerator;
import aQute.bnd.osgi.repository.XMLResourceParser;
import aQute.bnd.osgi.resource.ResourceUtils;
import biz.aQute.resolve.Bndrun;
import biz.aQute.resolve.RunResolution;

/**
 * The OSGi repository index the build writes ({@code target/repository/index.xml}, R5, by
 * {@code bnd index}): bnd's resolver, given only that index and an index of the framework and
 * third-party bundles, resolves the gateway's requirements ({@code cnf/gateway.bndrun}, and
 * {@code cnf/gateway-web.bndrun} with the Web Console page) to the same bundles the gateway runs;
 * with one ipsocket bundle left out of the index it fails.
 */
class RepositoryIndexIT {
    private static final Path WORK = Path.of("target/index-check");
    private static Path index;
    private static Path thirdPartyIndex;

    @BeforeAll
    static void indexThirdParty() throws IOException {
        index = Path.of(System.getProperty("ipsocket.index"));
        assertTrue(Files.isRegularFile(index), "the build wrote " + index);
        Files.createDirectories(WORK);
        // The framework and the Felix bundles: fixtures of this test, not part of ipsocket's index.
        Path thirdParty = Path.of(System.getProperty("ipsocket.thirdparty"));
        List<File> jars;
        try (Stream<Path> files = Files.list(thirdParty)) {
            jars = files.filter(path -> path.toString().endsWith(".jar")).map(Path::toFile).collect(Collectors.toList());
        }
        thirdPartyIndex = WORK.resolve("third-party.xml").toAbsolutePath();
        new SimpleIndexer().files(jars).base(thirdParty.toUri()).name("third-party").index(thirdPartyIndex.toFile());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ipsocket.gateway.bndrun", "ipsocket.gateway.web.bndrun"})
    void theGatewayResolvesFromTheIndexToTheBundlesItRuns(String bndrunProperty) throws Exception {
        Path gateway = Path.of(System.getProperty(bndrunProperty));
        RunResolution resolution = resolve(gateway, index);
        assertTrue(resolution.isOK(), () -> gateway + " resolves: " + resolution.report(false) + resolution.exception);

        Set<String> resolved = resolution.getRunBundles().stream().map(VersionedClause::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(resolved.containsAll(List.of("ipsocket.api", "ipsocket.impl", "ipsocket.shell", "ipsocket.events")),
                resolved.toString());
        assertEquals(runBundles(gateway), resolved, "the bundles the gateway's own resolution chose");
    }

    @Test
    void withoutTheApiBundleInTheIndexTheGatewayDoesNotResolve() throws Exception {
        List<Resource> withoutApi = XMLResourceParser.getResources(index.toFile()).stream()
                .filter(resource -> !"ipsocket.api".equals(ResourceUtils.getIdentity(resource)))
                .collect(Collectors.toList());
        assertEquals(4, withoutApi.size(), "the index holds api, impl, shell, events and webconsole");
        Path partial = WORK.resolve("without-api.xml").toAbsolutePath();
        new XMLResourceGenerator().name("ipsocket-without-api").resources(withoutApi).save(partial.toFile());

        RunResolution resolution = resolve(Path.of(System.getProperty("ipsocket.gateway.bndrun")), partial);
        assertFalse(resolution.isOK(), "resolved without ipsocket.api");
        assertTrue(String.valueOf(resolution.exception).contains("ipsocket.api"), String.valueOf(resolution.exception));
    }

    /** Resolves a gateway bndrun's requirements with only the given index and the third-party index. */
    private static RunResolution resolve(Path gatewayBndrun, Path ipsocketIndex) throws Exception {
        Path gateway = gatewayBndrun.toAbsolutePath().normalize();
        Path bndrun = WORK.resolve(gateway.getFileName().toString().replace(".bndrun", "-from-index.bndrun"))
                .toAbsolutePath();
        Files.writeString(bndrun, "-include: " + gateway + "\n"
                + "# No workspace, no Maven: these two indexes are the only repositories.\n"
                + "-standalone: " + ipsocketIndex.toUri() + ";name=ipsocket, " + thirdPartyIndex.toUri() + ";name=third-party\n",
                StandardCharsets.UTF_8);
        try (Bndrun run = Bndrun.createBndrun(null, bndrun.toFile())) {
            return run.resolve();
        }
    }

    /** The bundle names in a gateway bndrun's -runbundles, which the gateway module's resolver writes. */
    private static Set<String> runBundles(Path bndrun) throws IOException {
        try (Processor gateway = new Processor()) {
            gateway.setProperties(bndrun.toFile());
            return new TreeSet<>(new Parameters(gateway.getProperty("-runbundles")).keySet());
        }
    }
}
