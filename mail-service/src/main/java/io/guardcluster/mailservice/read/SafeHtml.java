package io.guardcluster.mailservice.read;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;

/**
 * An HTML body made safe to show: what a reader gets instead of the mail's own HTML.
 *
 * <p>Decrypted HTML is the most dangerous thing this service hands out. Scripts, event handlers and
 * {@code javascript:} links would run in the reader's groupware session; and anything that loads from the network
 * when the mail is shown (remote images, CSS {@code url()}, frames, forms) tells the sender that and when it was
 * decrypted and, worse, is how EFAIL's direct exfiltration works: an attacker wraps a captured ciphertext in HTML so
 * that the decrypted text becomes part of an image URL that the mail client then fetches. So the body keeps
 * formatting, tables, links (they need a click, and open without a referrer) and inline images ({@code cid:} parts
 * of this mail, {@code data:} URIs), and loses everything else: no remote image, no style, no script, no form.
 */
public final class SafeHtml {

    private static final Safelist SAFELIST = Safelist.relaxed()
            // relaxed() allows http(s) images; only the mail's own parts and embedded data may be shown.
            .removeProtocols("img", "src", "http", "https")
            .addProtocols("img", "src", "cid", "data")
            .addAttributes(":all", "dir", "lang", "title")
            .addEnforcedAttribute("a", "rel", "noopener noreferrer nofollow")
            .addEnforcedAttribute("a", "target", "_blank");

    /** @param html    the cleaned body
     *  @param changed whether anything was removed (scripts, remote content...): a reader may say so */
    public record Result(String html, boolean changed) {
    }

    private SafeHtml() {
    }

    /** The cleaned body of {@code html} (a whole document or a fragment); null for null. */
    public static Result of(String html) {
        if (html == null) {
            return null;
        }
        Document dirty = Jsoup.parse(html);
        Cleaner cleaner = new Cleaner(SAFELIST);
        boolean valid = cleaner.isValid(dirty);
        Document clean = cleaner.clean(dirty);
        clean.outputSettings().prettyPrint(false);
        return new Result(clean.body().html(), !valid);
    }
}
