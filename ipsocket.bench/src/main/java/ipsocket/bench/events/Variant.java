package ipsocket.bench.events;

/** One measured case of the events mode. */
enum Variant {
    TX_NOBRIDGE("tx_nobridge", true, false, false, false, false),
    RX_NOBRIDGE("rx_nobridge", false, false, false, false, false),
    TX_NOSUB("tx_nosub", true, true, false, false, false),
    TX_SUB("tx_sub", true, true, true, false, false),
    RX_NOSUB("rx_nosub", false, true, false, false, false),
    RX_SUB("rx_sub", false, true, true, false, false),
    RX_DATA_NOSUB("rx_data_nosub", false, true, false, true, false),
    RX_DATA_SUB("rx_data_sub", false, true, true, true, false),
    RX_SMALL_NOBRIDGE("rx_small_nobridge", false, false, false, true, true),
    RX_SMALL_NOSUB("rx_small_nosub", false, true, false, true, true),
    RX_SMALL_SUB("rx_small_sub", false, true, true, true, true);

    final String key;
    final boolean send;
    final boolean eventAdmin;
    final boolean subscriber;
    final boolean publishData;
    /** The peer sends in {@link #SMALL_WRITE}-byte writes: many small arrivals, one event pair each. */
    final boolean small;

    Variant(String key, boolean send, boolean eventAdmin, boolean subscriber, boolean publishData, boolean small) {
        this.key = key;
        this.send = send;
        this.eventAdmin = eventAdmin;
        this.subscriber = subscriber;
        this.publishData = publishData;
        this.small = small;
    }

    /** The variant a ratio is taken against: the same direction (and arrival size) without subscriber. */
    Variant base() {
        return send ? TX_NOSUB : small ? RX_SMALL_NOSUB : RX_NOSUB;
    }

    /** Write size of the source peer in the small-arrival variants (a device sending short messages). */
    static final int SMALL_WRITE = 512;
    /** The small-arrival variants move this fraction of the bytes of the others (they are slower). */
    static final int SMALL_FRACTION = 16;
}
