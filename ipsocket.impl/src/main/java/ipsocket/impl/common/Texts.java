package ipsocket.impl.common;

/**
 * Keeps values quoted in messages short: a hostile 1 MiB value must not become a 1 MiB log
 * line, errorString and event.
 */
public final class Texts {
    /** Longest quoted value; longer ones are cut and say how long they were. */
    static final int MAX_QUOTED = 120;

    private Texts() {
    }

    /**
     * Returns a value fit for a message.
     *
     * @param value any value
     * @return its text, cut to {@value #MAX_QUOTED} characters with the full length noted
     */
    public static String abbreviate(Object value) {
        String text = String.valueOf(value);
        return text.length() <= MAX_QUOTED ? text
                : text.substring(0, MAX_QUOTED) + "... (" + text.length() + " characters)";
    }
}
