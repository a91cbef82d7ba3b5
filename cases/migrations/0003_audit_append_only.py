"""The audit trail is append-only: the database itself refuses to update or delete an event."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION cases_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % refused on event %', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cases_auditevent_append_only
    BEFORE UPDATE OR DELETE ON cases_auditevent
    FOR EACH ROW EXECUTE FUNCTION cases_auditevent_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS cases_auditevent_append_only ON cases_auditevent;
DROP FUNCTION IF EXISTS cases_auditevent_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_forces")]
    operations = [migrations.RunSQL(FORWARD, REVERSE)]
