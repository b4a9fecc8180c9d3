package io.talentats.email.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

/** The widths values are cut to are the widths the migrations give the columns. */
class ColumnsTest {

    @Test
    void everyWidthMatchesTheMigratedSchema() throws Exception {
        DataSource ds = StoreTest.emptyDatabase();
        Schema.migrate(ds);
        Map<String, Integer> widths = new HashMap<>();
        try (Connection c = ds.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            try (ResultSet rs = meta.getColumns(null, null, null, null)) {
                while (rs.next()) {
                    String table = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                    if (table.startsWith("email_")) {
                        widths.put(table + "." + rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT),
                                rs.getInt("COLUMN_SIZE"));
                    }
                }
            }
        }
        Map<String, Integer> expected = Map.ofEntries(
                Map.entry("email_message.sender_name", Columns.SENDER_NAME),
                Map.entry("email_message.sender_address", Columns.SENDER_ADDRESS),
                Map.entry("email_message.to_addresses", Columns.TO_ADDRESSES),
                Map.entry("email_message.cc_addresses", Columns.CC_ADDRESSES),
                Map.entry("email_message.subject", Columns.SUBJECT),
                Map.entry("email_message.candidate_id", Columns.CANDIDATE_ID),
                Map.entry("email_message.application_id", Columns.APPLICATION_ID),
                Map.entry("email_message.thread_id", Columns.THREAD_ID),
                Map.entry("email_message.idempotency_key", Columns.IDEMPOTENCY_KEY),
                Map.entry("email_message.internet_message_id", Columns.INTERNET_MESSAGE_ID),
                Map.entry("email_message.in_reply_to_header", Columns.IN_REPLY_TO_HEADER),
                Map.entry("email_message.references_header", Columns.REFERENCES_HEADER),
                Map.entry("email_message.primary_recipient", Columns.PRIMARY_RECIPIENT),
                Map.entry("email_delivery.route_reason", Columns.ROUTE_REASON),
                Map.entry("email_delivery.from_header", Columns.FROM_HEADER),
                Map.entry("email_delivery.reply_to_header", Columns.REPLY_TO_HEADER),
                Map.entry("email_delivery.last_server_reply", Columns.LAST_SERVER_REPLY),
                Map.entry("email_delivery.failure_reason", Columns.FAILURE_REASON),
                Map.entry("email_delivery.sent_copy_detail", Columns.SENT_COPY_DETAIL),
                Map.entry("email_attachment.file_name", Columns.FILE_NAME),
                Map.entry("email_attachment.content_type", Columns.CONTENT_TYPE),
                Map.entry("email_message_event.detail", Columns.EVENT_DETAIL),
                Map.entry("email_account_state.verified_summary", Columns.VERIFIED_SUMMARY),
                Map.entry("email_account_state.health_reason", Columns.HEALTH_REASON),
                Map.entry("email_passed_test.fingerprint", Columns.PASSED_TEST_FINGERPRINT),
                Map.entry("email_passed_test.summary", Columns.VERIFIED_SUMMARY));
        expected.forEach((column, width) -> assertThat(widths.get(column)).as(column).isEqualTo(width));
        if (!StoreTest.postgresUrl().isBlank()) {
            return; // TEXT has no declared width on PostgreSQL
        }
        assertThat(widths.get("email_message.text_body")).isEqualTo(Columns.TEXT);
    }

    @Test
    void cutKeepsShortValuesAndEndsLongOnesWithAnEllipsis() {
        assertThat(Columns.cut("abc", 3)).isEqualTo("abc");
        assertThat(Columns.cut("abcd", 3)).isEqualTo("ab…").hasSize(3);
        assertThat(Columns.cut(null, 3)).isNull();
    }
}
