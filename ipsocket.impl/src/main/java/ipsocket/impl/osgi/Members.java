package ipsocket.impl.osgi;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The sockets and servers of the {@link SocketRuntime} by kind and object id, and which of them
 * owns its name: an inbound WRITE finds its socket by one map lookup, not by a scan of every
 * socket. The members of one name form a chain in the order added; the first live one is found.
 * A member added while a live member with an owner has its name is not live (it waits, see
 * {@link ObjectIdClaim}) and is not found until {@link #leave} of the holder makes it live.
 *
 * <p>Changes are serialized on this object; {@link #find} reads without a lock (the chains are
 * linked through volatile fields, so a reader sees a member whole or not at all).
 */
final class Members {

    /** A member with its name's claim and the next member of the same name. */
    private static final class Entry {
        /** The {@code AbstractIpSocket} or the {@code TcpServerImpl}. */
        final Object member;
        /** Its component support; {@code null} for a server's connection, which never waits. */
        final ObjectIdClaim owner;
        /** False while another live member of the kind has the object id. */
        volatile boolean live;
        volatile Entry next;

        Entry(Object member, ObjectIdClaim owner) {
            this.member = member;
            this.owner = owner;
        }
    }

    /** Kind (a topic prefix) to object id to the first member of that name. */
    private final Map<String, Map<String, Entry>> byKind = new ConcurrentHashMap<>();

    /**
     * Adds a member under its name.
     *
     * @param member the member
     * @param kind its kind (names are unique per kind)
     * @param objectId its object id
     * @param owner its component support, or {@code null} for a member that never waits
     * @return the owner of the live member with the name, or {@code null} when the new member is
     *         live (also when the live one has no owner: a connection's name is not waited for)
     */
    synchronized ObjectIdClaim join(Object member, String kind, String objectId, ObjectIdClaim owner) {
        Map<String, Entry> names = byKind.computeIfAbsent(kind, k -> new ConcurrentHashMap<>());
        Entry added = new Entry(member, owner);
        Entry head = names.get(objectId);
        Entry holder = firstLive(head);
        added.live = holder == null || holder.owner == null;
        if (head == null) {
            names.put(objectId, added);
        } else {
            Entry last = head;
            while (last.next != null) {
                last = last.next;
            }
            last.next = added;
        }
        return holder == null ? null : holder.owner;
    }

    /**
     * Removes a member; when it was live, the first member of the name waiting for it becomes live.
     *
     * @param member the member
     * @param kind its kind, as given to {@link #join}
     * @param objectId its object id, as given to {@link #join}
     * @return the owner of the member now live, to start; {@code null} when none waited (or the
     *         member was not here)
     */
    synchronized ObjectIdClaim leave(Object member, String kind, String objectId) {
        Map<String, Entry> names = byKind.get(kind);
        Entry head = names == null ? null : names.get(objectId);
        Entry before = null;
        Entry gone = head;
        while (gone != null && gone.member != member) {
            before = gone;
            gone = gone.next;
        }
        if (gone == null) {
            return null;
        }
        if (before != null) {
            before.next = gone.next;
        } else if (gone.next != null) {
            names.put(objectId, gone.next);
        } else {
            names.remove(objectId);
        }
        if (!gone.live) {
            return null;
        }
        for (Entry waiting = names.get(objectId); waiting != null; waiting = waiting.next) {
            if (!waiting.live && waiting.owner != null) {
                waiting.live = true;
                return waiting.owner;
            }
        }
        return null;
    }

    /**
     * Returns the live member with a name.
     *
     * @param kind the kind
     * @param objectId the object id
     * @return the first member of the name added, not yet removed and live; or {@code null}
     */
    Object find(String kind, String objectId) {
        Map<String, Entry> names = byKind.get(kind);
        Entry live = names == null ? null : firstLive(names.get(objectId));
        return live == null ? null : live.member;
    }

    /**
     * Hands every member with its kind to an action (for an observer added or removed).
     *
     * @param action takes the member and its kind
     */
    void forEach(BiConsumer<Object, String> action) {
        byKind.forEach((kind, names) -> names.values().forEach(head -> {
            for (Entry entry = head; entry != null; entry = entry.next) {
                action.accept(entry.member, kind);
            }
        }));
    }

    private static Entry firstLive(Entry head) {
        for (Entry entry = head; entry != null; entry = entry.next) {
            if (entry.live) {
                return entry;
            }
        }
        return null;
    }
}
