import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the heap of the gateway goes per configured socket: reads two HPROF heap dumps of the
 * same gateway (before and after N sockets were configured), and the class histograms taken
 * with them, and prints per socket (after - before) / N:
 * <ul>
 * <li>the exact bytes per class, from the histograms;</li>
 * <li>the bytes per layer (FileInstall, ConfigAdmin, SCR, framework, ipsocket's OSGi glue,
 * ipsocket's engine, ...), from the dumps: each object belongs to its <em>owner</em>, the
 * nearest object on its dominator chain (itself included) whose class is not a JDK class, and
 * the owner's package names the layer;</li>
 * <li>for each layer, the owner classes that retain the most;</li>
 * <li>for the classes that grow most (TreeMap$Entry, HashMap$Node, String, byte[],
 * CountDownLatch, ReentrantLock, ...), the dominator path from the owner down to the object,
 * so each line names who holds them and through what.</li>
 * </ul>
 * The dominator tree is computed with the iterative algorithm of Cooper, Harvey and Kennedy
 * ("A Simple, Fast Dominance Algorithm") over all objects, a super-root pointing at every GC
 * root and every class object (statics). Shallow sizes are computed for a 64-bit HotSpot with
 * compressed oops and class pointers (12-byte header, 4-byte references, 8-byte alignment),
 * unless the histogram gives the class's exact instance size, which is then used.
 *
 * <p>Usage: {@code java -Xmx3g GatewayHeap.java N before.hprof before.histo after.hprof after.histo}.
 * No dependencies: run as a single-file program.
 */
public class GatewayHeap {

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            System.err.println("usage: java GatewayHeap.java N before.hprof before.histo after.hprof after.histo");
            System.exit(2);
        }
        int n = Integer.parseInt(args[0]);
        Histogram hb = Histogram.read(Path.of(args[2]));
        Histogram ha = Histogram.read(Path.of(args[4]));
        Map<String, Integer> sizes = new HashMap<>(hb.instanceSizes);
        sizes.putAll(ha.instanceSizes);
        Summary before = new Dump(Path.of(args[1]), sizes).summarise();
        Summary after = new Dump(Path.of(args[3]), sizes).summarise();
        new Report(n, hb, ha, before, after).print();
    }

    // ---------------------------------------------------------------- layers

    /** The layer an owner class belongs to, by its package. */
    static String layerOf(String className) {
        String c = className.startsWith("static ") ? className.substring(7) : className;
        if (c.startsWith("org.apache.felix.fileinstall.")) {
            return "FileInstall";
        }
        if (c.startsWith("org.apache.felix.cm.")) {
            return "ConfigAdmin";
        }
        if (c.startsWith("org.apache.felix.scr.") || c.startsWith("org.osgi.service.component.")) {
            return "SCR";
        }
        if (c.startsWith("org.apache.felix.framework.") || c.startsWith("org.osgi.framework.")
                || c.startsWith("org.apache.felix.resolver.")) {
            return "framework";
        }
        if (c.startsWith("org.apache.felix.eventadmin.") || c.startsWith("org.osgi.service.event.")) {
            return "EventAdmin";
        }
        // The DS component instance is the socket facade itself (it extends TcpSocketImpl): its
        // fields are the engine's, except the one to its SocketService, which owns itself.
        if (c.matches("ipsocket\\.impl\\.osgi\\.(Configured|Factory)(Tcp|Udp)Socket")) {
            return "ipsocket engine";
        }
        if (c.startsWith("ipsocket.impl.osgi.")) {
            return "ipsocket OSGi glue";
        }
        if (c.startsWith("ipsocket.impl.")) {
            return "ipsocket engine";
        }
        if (c.startsWith("ipsocket.")) {
            return "ipsocket other bundles";
        }
        return "other";
    }

    /**
     * JDK classes (and OSGi's general utilities) are never owners: their objects belong to whoever
     * dominates them.
     */
    static boolean isJdk(String className) {
        String c = className.startsWith("static ") ? className.substring(7) : className;
        while (c.endsWith("[]")) {
            c = c.substring(0, c.length() - 2);
        }
        return c.startsWith("java.") || c.startsWith("javax.") || c.startsWith("jdk.") || c.startsWith("sun.")
                || c.startsWith("com.sun.") || !c.contains(".")
                // general utilities of OSGi (trackers, promises): they belong to whoever uses them
                || c.startsWith("org.osgi.util.");
    }

    // ---------------------------------------------------------------- histogram

    /** One {@code jcmd PID GC.class_histogram}: instances and bytes per class. */
    static final class Histogram {
        final Map<String, long[]> byClass = new LinkedHashMap<>();
        final Map<String, Integer> instanceSizes = new HashMap<>();
        long totalBytes;
        long totalInstances;

        static Histogram read(Path file) throws IOException {
            Histogram h = new Histogram();
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    long count = Long.parseLong(f[1]);
                    long bytes = Long.parseLong(f[2]);
                    String name = javaName(f[3]);
                    long[] cur = h.byClass.computeIfAbsent(name, k -> new long[2]);
                    cur[0] += count;
                    cur[1] += bytes;
                    if (!name.endsWith("[]") && count > 0 && bytes % count == 0) {
                        h.instanceSizes.put(name, (int) (bytes / count));
                    }
                } else if (f.length >= 3 && f[0].equals("Total")) {
                    h.totalInstances = Long.parseLong(f[1]);
                    h.totalBytes = Long.parseLong(f[2]);
                }
            }
            return h;
        }
    }

    /** {@code [Ljava.lang.String;} to {@code java.lang.String[]}, {@code [B} to {@code byte[]}. */
    static String javaName(String descriptor) {
        String s = descriptor.replace('/', '.');
        int dims = 0;
        while (dims < s.length() && s.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0) {
            return s;
        }
        String elem = s.substring(dims);
        switch (elem) {
            case "B": elem = "byte"; break;
            case "C": elem = "char"; break;
            case "I": elem = "int"; break;
            case "J": elem = "long"; break;
            case "S": elem = "short"; break;
            case "Z": elem = "boolean"; break;
            case "F": elem = "float"; break;
            case "D": elem = "double"; break;
            default:
                if (elem.startsWith("L") && elem.endsWith(";")) {
                    elem = elem.substring(1, elem.length() - 1);
                }
        }
        return elem + "[]".repeat(dims);
    }

    // ---------------------------------------------------------------- summary of one dump

    /** What one dump says, aggregated by names, so two dumps can be subtracted. */
    static final class Summary {
        /** layer -> {bytes, objects}. */
        final Map<String, long[]> layers = new TreeMap<>();
        /** layer + "\t" + owner class -> {bytes retained by owners of that class, owner count}. */
        final Map<String, long[]> owners = new HashMap<>();
        /** layer -> {bytes, objects} of the objects attributed as shared (no non-JDK dominator). */
        final Map<String, long[]> layersShared = new TreeMap<>();
        /** owner class + "\t" + the non-JDK objects above it -> {0, owners}. */
        final Map<String, long[]> holders = new HashMap<>();
        /** object class + "\t" + path from its owner -> {bytes, objects}. */
        final Map<String, long[]> paths = new HashMap<>();
        long totalBytes;
        long unreachable;
    }

    static void add(Map<String, long[]> map, String key, long bytes, long count) {
        long[] cur = map.computeIfAbsent(key, k -> new long[2]);
        cur[0] += bytes;
        cur[1] += count;
    }

    // ---------------------------------------------------------------- HPROF

    /** One HPROF heap dump, read in two passes: objects and sizes first, then references. */
    static final class Dump {
        private final Path file;
        private final Map<String, Integer> exactSizes;
        private int idSize;

        private final Map<Long, String> strings = new HashMap<>();
        private final Map<Long, Long> classNameIds = new HashMap<>();
        private final Map<Long, ClassInfo> classes = new HashMap<>();
        private final LongIntMap index = new LongIntMap(1 << 20);
        private final List<String> typeNames = new ArrayList<>();
        private final Map<String, Integer> typeIds = new HashMap<>();

        private int nodes = 1; // 0 is the super-root
        private int[] type = new int[1 << 20];
        private int[] size = new int[1 << 20];
        private final IntList rootTargets = new IntList();
        private final List<Long> rootIds = new ArrayList<>();
        private final IntList edgeFrom = new IntList();
        private final IntList edgeTo = new IntList();

        static final class ClassInfo {
            long id;
            long superId;
            byte[] fieldTypes; // own instance fields only, in dump order
            long[] staticRefs;
            int instanceSize = -1;
            int typeId;
        }

        Dump(Path file, Map<String, Integer> exactSizes) {
            this.file = file;
            this.exactSizes = exactSizes;
        }

        Summary summarise() throws IOException {
            read(false);
            read(true);
            for (long rootId : rootIds) {
                int target = index.get(rootId);
                if (target > 0) {
                    edgeFrom.add(0);
                    edgeTo.add(target);
                }
            }
            for (ClassInfo c : classes.values()) {
                edgeFrom.add(0);
                edgeTo.add(index.get(c.id));
            }
            return new Dominators(nodes, edgeFrom, edgeTo, type, size, typeNames).summary();
        }

        private int typeId(String name) {
            Integer id = typeIds.get(name);
            if (id == null) {
                id = typeNames.size();
                typeNames.add(name);
                typeIds.put(name, id);
            }
            return id;
        }

        private int newNode(long id, int typeId, int bytes) {
            if (nodes == type.length) {
                type = Arrays.copyOf(type, nodes * 2);
                size = Arrays.copyOf(size, nodes * 2);
            }
            type[nodes] = typeId;
            size[nodes] = bytes;
            index.put(id, nodes);
            return nodes++;
        }

        private String className(long classId) {
            Long nameId = classNameIds.get(classId);
            String raw = nameId == null ? null : strings.get(nameId);
            return raw == null ? "unknown@" + Long.toHexString(classId) : javaName(raw);
        }

        private long readId(DataInputStream in) throws IOException {
            return idSize == 4 ? in.readInt() & 0xFFFFFFFFL : in.readLong();
        }

        private void read(boolean references) throws IOException {
            try (InputStream raw = Files.newInputStream(file);
                    DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 20))) {
                while (in.readByte() != 0) {
                    // "JAVA PROFILE 1.0.2"
                }
                idSize = in.readInt();
                in.readLong();
                while (true) {
                    int tag;
                    try {
                        tag = in.readUnsignedByte();
                    } catch (EOFException end) {
                        break;
                    }
                    in.readInt();
                    long length = in.readInt() & 0xFFFFFFFFL;
                    if (!references && tag == 0x01) {
                        long id = readId(in);
                        byte[] utf8 = new byte[(int) (length - idSize)];
                        in.readFully(utf8);
                        strings.put(id, new String(utf8, StandardCharsets.UTF_8));
                    } else if (!references && tag == 0x02) {
                        in.readInt();
                        long classId = readId(in);
                        in.readInt();
                        classNameIds.put(classId, readId(in));
                    } else if (tag == 0x0C || tag == 0x1C) {
                        heapDump(in, length, references);
                    } else {
                        in.skipNBytes(length);
                    }
                }
            }
        }

        private static int typeSize(int t, int idSize) {
            switch (t) {
                case 2: return idSize;
                case 4: case 8: return 1;
                case 5: case 9: return 2;
                case 6: case 10: return 4;
                case 7: case 11: return 8;
                default: throw new IllegalStateException("unknown basic type " + t);
            }
        }

        /** The size of the type on the heap: references are compressed to 4 bytes. */
        private static int heapSize(int t) {
            return t == 2 ? 4 : typeSize(t, 8);
        }

        private static String primitiveName(int t) {
            switch (t) {
                case 4: return "boolean";
                case 5: return "char";
                case 6: return "float";
                case 7: return "double";
                case 8: return "byte";
                case 9: return "short";
                case 10: return "int";
                case 11: return "long";
                default: return "?";
            }
        }

        private static int align(long bytes) {
            return (int) ((bytes + 7) & ~7L);
        }

        private int instanceSize(ClassInfo c) {
            if (c.instanceSize < 0) {
                Integer exact = exactSizes.get(className(c.id));
                if (exact != null) {
                    c.instanceSize = exact;
                } else {
                    long bytes = 12;
                    for (ClassInfo k = c; k != null; k = classes.get(k.superId)) {
                        for (byte t : k.fieldTypes) {
                            bytes += heapSize(t);
                        }
                    }
                    c.instanceSize = align(bytes);
                }
            }
            return c.instanceSize;
        }

        private void heapDump(DataInputStream in, long length, boolean references) throws IOException {
            long left = length;
            while (left > 0) {
                int sub = in.readUnsignedByte();
                left -= 1;
                switch (sub) {
                    case 0xFF: case 0x05: case 0x07: // unknown, sticky class, monitor used
                        root(readId(in), references);
                        left -= idSize;
                        break;
                    case 0x01: // JNI global
                        root(readId(in), references);
                        readId(in);
                        left -= 2 * idSize;
                        break;
                    case 0x02: case 0x03: case 0x08: // JNI local, Java frame, thread object
                        root(readId(in), references);
                        in.readInt();
                        in.readInt();
                        left -= idSize + 8;
                        break;
                    case 0x04: case 0x06: // native stack, thread block
                        root(readId(in), references);
                        in.readInt();
                        left -= idSize + 4;
                        break;
                    case 0x20:
                        left -= classDump(in, references);
                        break;
                    case 0x21:
                        left -= instanceDump(in, references);
                        break;
                    case 0x22:
                        left -= objectArrayDump(in, references);
                        break;
                    case 0x23:
                        left -= primitiveArrayDump(in, references);
                        break;
                    default:
                        throw new IllegalStateException("unknown heap dump sub-record 0x" + Integer.toHexString(sub));
                }
            }
        }

        private void root(long id, boolean references) {
            if (!references) {
                rootIds.add(id);
            }
        }

        private long classDump(DataInputStream in, boolean references) throws IOException {
            long read = 0;
            long id = readId(in);
            in.readInt();
            long superId = readId(in);
            long[] classRefs = new long[3];
            for (int i = 0; i < 5; i++) {
                long ref = readId(in); // loader, signers, protection domain, 2 reserved
                if (i < 3) {
                    classRefs[i] = ref;
                }
            }
            in.readInt(); // instance size as the dump counts it (ids at full width)
            read += 7 * idSize + 8;
            int constants = in.readUnsignedShort();
            read += 2;
            for (int i = 0; i < constants; i++) {
                in.readUnsignedShort();
                int t = in.readUnsignedByte();
                int s = typeSize(t, idSize);
                in.skipNBytes(s);
                read += 3 + s;
            }
            int statics = in.readUnsignedShort();
            read += 2;
            List<Long> refs = new ArrayList<>();
            for (int i = 0; i < statics; i++) {
                readId(in);
                int t = in.readUnsignedByte();
                if (t == 2) {
                    long ref = readId(in);
                    if (ref != 0) {
                        refs.add(ref);
                    }
                } else {
                    in.skipNBytes(typeSize(t, idSize));
                }
                read += idSize + 1 + typeSize(t, idSize);
            }
            int fields = in.readUnsignedShort();
            read += 2;
            byte[] fieldTypes = new byte[fields];
            for (int i = 0; i < fields; i++) {
                readId(in);
                fieldTypes[i] = (byte) in.readUnsignedByte();
                read += idSize + 1;
            }
            if (!references) {
                ClassInfo c = new ClassInfo();
                c.id = id;
                c.superId = superId;
                c.fieldTypes = fieldTypes;
                c.staticRefs = refs.stream().mapToLong(Long::longValue).toArray();
                classes.put(id, c);
                String name = className(id);
                c.typeId = typeId(name);
                // the class object itself, with its statics
                newNode(id, typeId("static " + name), 16 + 4 * refs.size());
            } else {
                int from = index.get(id);
                for (long ref : classes.get(id).staticRefs) {
                    edge(from, ref);
                }
                for (long ref : classRefs) {
                    edge(from, ref);
                }
            }
            return read;
        }

        private void edge(int from, long targetId) {
            if (targetId == 0) {
                return;
            }
            int to = index.get(targetId);
            if (to > 0) {
                edgeFrom.add(from);
                edgeTo.add(to);
            }
        }

        private long instanceDump(DataInputStream in, boolean references) throws IOException {
            long id = readId(in);
            in.readInt();
            long classId = readId(in);
            int bytes = in.readInt();
            ClassInfo c = classes.get(classId);
            if (!references) {
                in.skipNBytes(bytes);
                newNode(id, c.typeId, instanceSize(c));
            } else {
                byte[] values = new byte[bytes];
                in.readFully(values);
                ByteBuffer b = ByteBuffer.wrap(values);
                int from = index.get(id);
                for (ClassInfo k = c; k != null; k = classes.get(k.superId)) {
                    for (byte t : k.fieldTypes) {
                        if (t == 2) {
                            edge(from, idSize == 4 ? b.getInt() & 0xFFFFFFFFL : b.getLong());
                        } else {
                            b.position(b.position() + typeSize(t, idSize));
                        }
                    }
                }
            }
            return 2L * idSize + 8 + bytes;
        }

        private long objectArrayDump(DataInputStream in, boolean references) throws IOException {
            long id = readId(in);
            in.readInt();
            int length = in.readInt();
            long arrayClassId = readId(in);
            if (!references) {
                in.skipNBytes((long) length * idSize);
                String name = className(arrayClassId);
                newNode(id, typeId(name.endsWith("[]") ? name : name + "[]"), align(16 + 4L * length));
            } else {
                int from = index.get(id);
                for (int i = 0; i < length; i++) {
                    edge(from, readId(in));
                }
            }
            return 2L * idSize + 8 + (long) length * idSize;
        }

        private long primitiveArrayDump(DataInputStream in, boolean references) throws IOException {
            long id = readId(in);
            in.readInt();
            int length = in.readInt();
            int t = in.readUnsignedByte();
            long bytes = (long) length * typeSize(t, idSize);
            in.skipNBytes(bytes);
            if (!references) {
                newNode(id, typeId(primitiveName(t) + "[]"), align(16 + bytes));
            }
            return idSize + 9 + bytes;
        }
    }

    // ---------------------------------------------------------------- dominators

    /** The dominator tree of the object graph and the owner of every object. */
    static final class Dominators {
        private final int nodes;
        private final int[] type;
        private final int[] size;
        private final List<String> typeNames;
        private final int[] succStart;
        private final int[] succ;
        private final int[] predStart;
        private final int[] pred;
        private final int[] rpo; // position in reverse postorder, -1 when unreachable
        private final int[] order; // nodes in reverse postorder
        private int reachable;
        private final int[] idom;
        private int[] via;

        Dominators(int nodes, IntList from, IntList to, int[] type, int[] size, List<String> typeNames) {
            this.nodes = nodes;
            this.type = type;
            this.size = size;
            this.typeNames = typeNames;
            succStart = new int[nodes + 1];
            succ = csr(from, to, succStart);
            predStart = new int[nodes + 1];
            pred = csr(to, from, predStart);
            rpo = new int[nodes];
            order = new int[nodes];
            postorder();
            idom = new int[nodes];
            dominators();
        }

        private int[] csr(IntList from, IntList to, int[] start) {
            for (int i = 0; i < from.size; i++) {
                start[from.data[i] + 1]++;
            }
            for (int i = 0; i < nodes; i++) {
                start[i + 1] += start[i];
            }
            int[] fill = Arrays.copyOf(start, nodes);
            int[] targets = new int[from.size];
            for (int i = 0; i < from.size; i++) {
                targets[fill[from.data[i]]++] = to.data[i];
            }
            return targets;
        }

        private void postorder() {
            Arrays.fill(rpo, -1);
            int[] stack = new int[nodes];
            int[] next = new int[nodes];
            boolean[] seen = new boolean[nodes];
            int[] post = new int[nodes];
            int count = 0;
            int top = 0;
            stack[0] = 0;
            next[0] = succStart[0];
            seen[0] = true;
            while (top >= 0) {
                int v = stack[top];
                if (next[top] < succStart[v + 1]) {
                    int w = succ[next[top]++];
                    if (!seen[w]) {
                        seen[w] = true;
                        top++;
                        stack[top] = w;
                        next[top] = succStart[w];
                    }
                } else {
                    post[count++] = v;
                    top--;
                }
            }
            reachable = count;
            for (int i = 0; i < count; i++) {
                int v = post[count - 1 - i];
                order[i] = v;
                rpo[v] = i;
            }
        }

        private void dominators() {
            Arrays.fill(idom, -1);
            idom[0] = 0;
            boolean changed = true;
            while (changed) {
                changed = false;
                for (int i = 1; i < reachable; i++) {
                    int v = order[i];
                    int best = -1;
                    for (int e = predStart[v]; e < predStart[v + 1]; e++) {
                        int p = pred[e];
                        if (rpo[p] < 0 || idom[p] < 0) {
                            continue;
                        }
                        best = best < 0 ? p : intersect(p, best);
                    }
                    if (idom[v] != best) {
                        idom[v] = best;
                        changed = true;
                    }
                }
            }
        }

        private int intersect(int a, int b) {
            while (a != b) {
                while (rpo[a] > rpo[b]) {
                    a = idom[a];
                }
                while (rpo[b] > rpo[a]) {
                    b = idom[b];
                }
            }
            return a;
        }

        Summary summary() {
            boolean[] jdk = new boolean[typeNames.size()];
            String[] layer = new String[typeNames.size()];
            for (int t = 0; t < jdk.length; t++) {
                jdk[t] = isJdk(typeNames.get(t));
                layer[t] = layerOf(typeNames.get(t));
            }
            // The owner: the nearest non-JDK object on the dominator chain (itself included).
            int[] owner = new int[nodes];
            for (int i = 0; i < reachable; i++) {
                int v = order[i];
                owner[v] = v == 0 ? -1 : !jdk[type[v]] ? v : idom[v] == 0 ? -1 : owner[idom[v]];
            }
            // Objects that no single non-JDK object dominates (held through several paths, such as
            // a channel referred to by its transport and by the selector, or a String that a
            // configuration, a component and a service registration all hold) are "shared": they
            // go to the nearest non-JDK object that refers to them through JDK objects only (a
            // breadth-first search from every non-JDK instance; the first one to reach them wins).
            int[] nearest = new int[nodes];
            via = new int[nodes];
            Arrays.fill(nearest, -1);
            int[] queue = new int[reachable];
            int head = 0;
            int tail = 0;
            for (int i = 1; i < reachable; i++) {
                int v = order[i];
                // from instances only: what only statics hold (JDK caches) is no socket's
                if (!jdk[type[v]] && !typeNames.get(type[v]).startsWith("static ")) {
                    nearest[v] = v;
                    queue[tail++] = v;
                }
            }
            while (head < tail) {
                int u = queue[head++];
                for (int e = succStart[u]; e < succStart[u + 1]; e++) {
                    int w = succ[e];
                    if (jdk[type[w]] && nearest[w] < 0) {
                        nearest[w] = nearest[u];
                        via[w] = u;
                        queue[tail++] = w;
                    }
                }
            }
            Summary s = new Summary();
            long[] ownedBytes = new long[nodes];
            long[] sharedBytes = new long[nodes];
            for (int i = 1; i < reachable; i++) {
                int v = order[i];
                int o = owner[v];
                boolean shared = o < 0 && nearest[v] >= 0;
                String path;
                if (shared) {
                    o = nearest[v];
                    sharedBytes[o] += size[v];
                    path = "shared, nearest: " + pathVia(v, o);
                } else if (o >= 0) {
                    ownedBytes[o] += size[v];
                    path = path(v, o);
                } else {
                    path = "(held by JDK objects and roots only)";
                }
                String l = o < 0 ? "JDK only (no non-JDK holder)" : layer[type[o]];
                add(s.layers, l, size[v], 1);
                if (shared) {
                    add(s.layersShared, l, size[v], 1);
                }
                s.totalBytes += size[v];
                add(s.paths, typeNames.get(type[v]) + "\t" + path, size[v], 1);
            }
            for (int i = 1; i < reachable; i++) {
                int v = order[i];
                if (owner[v] == v) {
                    String name = typeNames.get(type[v]);
                    add(s.owners, layer[type[v]] + "\t" + name, ownedBytes[v], 1);
                    if (sharedBytes[v] != 0) {
                        add(s.owners, layer[type[v]] + "\t" + name + " [shared objects it refers to]", sharedBytes[v], 0);
                    }
                    add(s.holders, name + "\t" + holders(v, jdk), 0, 1);
                }
            }
            for (int v = 1; v < nodes; v++) {
                if (rpo[v] < 0) {
                    s.unreachable += size[v];
                }
            }
            return s;
        }

        /** "A < B < C": the next non-JDK objects up v's dominator chain (at most three). */
        private String holders(int v, boolean[] jdk) {
            List<String> names = new ArrayList<>();
            for (int w = idom[v]; w > 0 && names.size() < 3; w = idom[w]) {
                if (!jdk[type[w]]) {
                    names.add(simple(typeNames.get(type[w])));
                }
            }
            return names.isEmpty() ? "several paths (no single non-JDK dominator)" : String.join(" < ", names);
        }

        /** "Owner > HashMap > HashMap$Node[]": the classes from the owner down to v's dominator. */
        private String path(int v, int owner) {
            if (v == owner) {
                return simple(typeNames.get(type[v])) + " (itself)";
            }
            List<Integer> chain = new ArrayList<>();
            for (int w = idom[v]; w > 0 && chain.size() < 40; w = idom[w]) {
                chain.add(w);
                if (w == owner) {
                    break;
                }
            }
            return render(chain);
        }

        /** The same through the breadth-first search's referrers, for shared objects. */
        private String pathVia(int v, int owner) {
            List<Integer> chain = new ArrayList<>();
            for (int w = via[v]; chain.size() < 40; w = via[w]) {
                chain.add(w);
                if (w == owner) {
                    break;
                }
            }
            return render(chain);
        }

        /** Class names from the last element down to the first, repeats folded into "Name+". */
        private String render(List<Integer> upwards) {
            List<String> names = new ArrayList<>();
            for (int i = upwards.size() - 1; i >= 0; i--) {
                String name = simple(typeNames.get(type[upwards.get(i)]));
                String last = names.isEmpty() ? "" : names.get(names.size() - 1);
                if (last.equals(name) || last.equals(name + "+")) {
                    names.set(names.size() - 1, name + "+");
                } else {
                    names.add(name);
                }
            }
            return String.join(" > ", names);
        }

        private static String simple(String name) {
            String prefix = name.startsWith("static ") ? "static " : "";
            String n = prefix.isEmpty() ? name : name.substring(7);
            int dot = n.lastIndexOf('.');
            return prefix + (dot < 0 ? n : n.substring(dot + 1));
        }
    }

    // ---------------------------------------------------------------- report

    /** The printout: per socket, after minus before. */
    record Report(int n, Histogram hb, Histogram ha, Summary before, Summary after) {

        private static final List<String> LAYER_ORDER = List.of("FileInstall", "ConfigAdmin", "SCR", "framework",
                "ipsocket OSGi glue", "ipsocket engine", "EventAdmin", "ipsocket other bundles", "other",
                "JDK only (no non-JDK holder)");

        void print() {
            System.out.printf("Gateway heap per configured, connected socket: %d sockets, live heap after full GC%n", n);
            System.out.printf("total (class histograms): %,.0f B/socket (%,d -> %,d bytes)%n",
                    per(ha.totalBytes - hb.totalBytes), hb.totalBytes, ha.totalBytes);
            System.out.printf("total (heap dumps, reachable): %,.0f B/socket; unreachable in the dumps: %,d / %,d bytes%n%n",
                    per(after.totalBytes - before.totalBytes), before.unreachable, after.unreachable);

            System.out.println("By layer: each object goes to its owner, the nearest non-JDK object on its dominator");
            System.out.println("chain; 'shared' objects (no non-JDK dominator) to the nearest non-JDK object referring to them:");
            System.out.printf("%-30s %10s %10s %10s %7s%n", "layer", "B/socket", "obj/socket", "of which", "share");
            System.out.printf("%-30s %10s %10s %10s %7s%n", "", "", "", "shared B", "");
            double total = per(after.totalBytes - before.totalBytes);
            List<String> layers = new ArrayList<>(LAYER_ORDER);
            for (String l : after.layers.keySet()) {
                if (!layers.contains(l)) {
                    layers.add(l);
                }
            }
            for (String l : layers) {
                long[] d = diff(before.layers.get(l), after.layers.get(l));
                long[] shared = diff(before.layersShared.get(l), after.layersShared.get(l));
                if (d[0] == 0 && d[1] == 0) {
                    continue;
                }
                System.out.printf("%-30s %,10.0f %10.1f %,10.0f %6.1f%%%n", l, per(d[0]), per(d[1]), per(shared[0]),
                        100 * per(d[0]) / total);
            }
            System.out.printf("%-30s %,10.0f%n%n", "total", total);

            System.out.println("Owners per layer (bytes each owner class retains, per socket; >= 16 B),");
            System.out.println("and what holds the owners (the next non-JDK objects up the dominator tree):");
            Map<String, long[]> owners = diffAll(before.owners, after.owners);
            Map<String, long[]> holders = diffAll(before.holders, after.holders);
            for (String l : layers) {
                List<Map.Entry<String, long[]>> rows = top(owners, k -> k.startsWith(l + "\t"), 16);
                if (rows.isEmpty()) {
                    continue;
                }
                System.out.println("  " + l);
                for (Map.Entry<String, long[]> row : rows) {
                    String owner = row.getKey().substring(l.length() + 1);
                    System.out.printf("    %,8.0f B  x%5.2f  %s%n", per(row.getValue()[0]), per(row.getValue()[1]), owner);
                    List<Map.Entry<String, long[]>> held = new ArrayList<>();
                    for (Map.Entry<String, long[]> h : holders.entrySet()) {
                        if (h.getKey().startsWith(owner + "\t") && per(h.getValue()[1]) >= 0.25) {
                            held.add(h);
                        }
                    }
                    held.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -e.getValue()[1])
                            .thenComparing(Map.Entry::getKey));
                    for (Map.Entry<String, long[]> h : held.subList(0, Math.min(3, held.size()))) {
                        System.out.printf("                   x%5.2f held by %s%n", per(h.getValue()[1]),
                                h.getKey().substring(owner.length() + 1));
                    }
                }
            }
            System.out.println();

            System.out.println("Classes that grow most (histograms, per socket):");
            Map<String, long[]> classes = new HashMap<>();
            for (String c : ha.byClass.keySet()) {
                long[] d = diff(hb.byClass.get(c), ha.byClass.get(c));
                classes.put(c, new long[] {d[1], d[0]});
            }
            List<Map.Entry<String, long[]>> grown = top(classes, k -> true, 24);
            int shown = 0;
            for (Map.Entry<String, long[]> row : grown) {
                System.out.printf("  %,8.0f B  x%6.2f  %s%n", per(row.getValue()[0]), per(row.getValue()[1]), row.getKey());
                if (++shown == 30) {
                    break;
                }
            }
            System.out.println();

            System.out.println("Who holds them (dominator path from the owner; per socket, >= 0.5 objects or 24 B):");
            Map<String, long[]> paths = diffAll(before.paths, after.paths);
            for (Map.Entry<String, long[]> row : grown.subList(0, Math.min(24, grown.size()))) {
                String c = row.getKey();
                System.out.printf("  %s (%,.0f B/socket)%n", c, per(row.getValue()[0]));
                List<Map.Entry<String, long[]>> pathRows = top(paths, k -> k.startsWith(c + "\t"), 1);
                int lines = 0;
                for (Map.Entry<String, long[]> h : pathRows) {
                    if (per(h.getValue()[1]) < 0.5 && per(h.getValue()[0]) < 24) {
                        continue;
                    }
                    System.out.printf("    %,8.0f B  x%5.2f  %s%n", per(h.getValue()[0]), per(h.getValue()[1]),
                            h.getKey().substring(c.length() + 1));
                    if (++lines == 8) {
                        break;
                    }
                }
            }
            System.out.println();

            System.out.println("What the main owners hold, object by object (per socket, >= 0.5 objects or 8 B):");
            for (String owner : DETAIL_OWNERS) {
                List<Map.Entry<String, long[]>> rows = new ArrayList<>();
                long[] sum = new long[2];
                for (Map.Entry<String, long[]> e : paths.entrySet()) {
                    String path = e.getKey().substring(e.getKey().indexOf('\t') + 1);
                    if (path.startsWith("shared, nearest: ")) {
                        path = path.substring("shared, nearest: ".length());
                    }
                    String first = path.split(" > | \\(itself\\)", 2)[0];
                    if (first.equals(owner)) {
                        rows.add(e);
                        sum[0] += e.getValue()[0];
                        sum[1] += e.getValue()[1];
                    }
                }
                if (rows.isEmpty()) {
                    continue;
                }
                System.out.printf("  %s: %,.0f B, %.1f objects per socket%n", owner, per(sum[0]), per(sum[1]));
                rows.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -e.getValue()[0])
                        .thenComparing(Map.Entry::getKey));
                for (Map.Entry<String, long[]> e : rows) {
                    if (per(e.getValue()[1]) < 0.5 && Math.abs(per(e.getValue()[0])) < 8) {
                        continue;
                    }
                    String[] parts = e.getKey().split("\t", 2);
                    System.out.printf("    %,8.0f B  x%5.2f  %s  <-  %s%n", per(e.getValue()[0]), per(e.getValue()[1]),
                            simpleName(parts[0]), parts[1]);
                }
            }
        }

        /** The owners whose holdings are listed object by object: ipsocket's, and the big ones of the others. */
        private static final List<String> DETAIL_OWNERS = List.of("SocketEventPublisher", "SocketService",
                "EndpointWatch", "SocketRuntime$Registered", "EventBridge", "ConfiguredTcpSocket", "PropertyValues",
                "ConnectionLifecycle", "TcpTransport", "SingleComponentManager", "CaseInsensitiveDictionary",
                "StringMap", "Artifact");

        private static String simpleName(String name) {
            int dot = name.lastIndexOf('.');
            return dot < 0 ? name : name.substring(dot + 1);
        }

        private double per(long value) {
            return (double) value / n;
        }

        private static long[] diff(long[] b, long[] a) {
            long[] zero = {0, 0};
            b = b == null ? zero : b;
            a = a == null ? zero : a;
            return new long[] {a[0] - b[0], a[1] - b[1]};
        }

        private static Map<String, long[]> diffAll(Map<String, long[]> b, Map<String, long[]> a) {
            Map<String, long[]> d = new HashMap<>();
            for (String k : a.keySet()) {
                d.put(k, diff(b.get(k), a.get(k)));
            }
            for (String k : b.keySet()) {
                d.putIfAbsent(k, diff(b.get(k), null));
            }
            return d;
        }

        private List<Map.Entry<String, long[]>> top(Map<String, long[]> map,
                java.util.function.Predicate<String> keep, long minBytesPerSocket) {
            List<Map.Entry<String, long[]>> rows = new ArrayList<>();
            for (Map.Entry<String, long[]> e : map.entrySet()) {
                if (keep.test(e.getKey()) && Math.abs(per(e.getValue()[0])) >= minBytesPerSocket) {
                    rows.add(e);
                }
            }
            rows.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -e.getValue()[0])
                    .thenComparing(Map.Entry::getKey));
            return rows;
        }
    }

    // ---------------------------------------------------------------- primitive collections

    static final class IntList {
        int[] data = new int[1 << 16];
        int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }
    }

    /** Open addressing map from object id to node index; 0 means absent. */
    static final class LongIntMap {
        private long[] keys;
        private int[] values;
        private int count;

        LongIntMap(int capacity) {
            keys = new long[capacity];
            values = new int[capacity];
        }

        private static int slot(long key, int mask) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h >>> 32) & mask;
        }

        void put(long key, int value) {
            if (2 * (count + 1) > keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int i = slot(key, mask);
            while (values[i] != 0 && keys[i] != key) {
                i = (i + 1) & mask;
            }
            if (values[i] == 0) {
                count++;
            }
            keys[i] = key;
            values[i] = value;
        }

        int get(long key) {
            int mask = keys.length - 1;
            int i = slot(key, mask);
            while (values[i] != 0) {
                if (keys[i] == key) {
                    return values[i];
                }
                i = (i + 1) & mask;
            }
            return 0;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            count = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldValues[i] != 0) {
                    put(oldKeys[i], oldValues[i]);
                }
            }
        }
    }
}
