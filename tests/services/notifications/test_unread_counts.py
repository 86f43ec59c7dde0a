"""The header's unread count is kept on the user, changed with the notifications, mended by the notifications page."""

from __future__ import annotations

import pytest

from models.notification import Notification
from models.user import User
from services.common.migrations import already_done
from services.notifications.send import mark_all_read, mark_read, notify_user
from services.notifications.unread import FIELD, FILL_MIGRATION, fill_unread_counts, header_count, unread_count
from storage.uow import run_in_transaction
from tests.command_log import LOG, count_commands


def _counted(user) -> int:
    return Notification.objects(user_id=str(user.pk), read_at=None).count()


def _tell(user, now, subject="Note"):
    return notify_user(user, subject=subject, body="", link="/", now=now, email=False)


def test_the_kept_count_changes_with_what_is_told_and_read_and_never_below_nothing(app, make_user, now):
    me, other = make_user(), make_user()
    notes = [_tell(me, now, f"N{n}") for n in range(3)]
    _tell(other, now)
    assert unread_count(me) == _counted(me) == 3 and unread_count(other) == 1
    assert header_count(User.objects.get(pk=me.pk)) == 3  # as a request reads the user
    mark_read(notes[0], me, now=now)
    mark_read(notes[0], me, now=now)  # read again: not counted twice
    assert unread_count(me) == _counted(me) == 2

    class Refused(Exception):
        pass

    def told_then_refused():
        _tell(me, now)
        raise Refused

    with pytest.raises(Refused):  # told in a unit of work that did not commit: neither the note nor the count
        run_in_transaction(told_then_refused)
    assert unread_count(me) == _counted(me) == 2
    assert mark_all_read(me, now=now) == 2 and unread_count(me) == _counted(me) == 0
    assert unread_count(other) == 1
    # Whatever was stored, the count never goes below nothing.
    User._get_collection().update_one({"_id": me.pk}, {"$set": {FIELD: 0}})
    later = _tell(me, now)
    User._get_collection().update_one({"_id": me.pk}, {"$set": {FIELD: 0}})
    mark_read(later, me, now=now)
    assert unread_count(me) == 0


def test_the_notifications_page_mends_a_count_something_else_changed(client, signed_in, now):
    me = signed_in("practitioner")
    _tell(me, now)
    Notification(user_id=str(me.pk), subject="Stored by hand", created_at=now).save()  # no count kept for it
    User._get_collection().update_one({"_id": me.pk}, {"$set": {FIELD: 7}})
    page = client.get("/notifications").get_data(as_text=True)
    assert 'aria-label="2 unread"' in page and unread_count(me) == 2
    assert 'aria-label="2 unread"' in client.get("/cases").get_data(as_text=True)


def test_no_page_counts_the_notifications_for_its_header(client, signed_in, now, app_config):
    me = signed_in("practitioner")
    _tell(me, now)
    client.get("/cases")
    response, _names = count_commands(app_config["MONGODB_DB"], lambda: client.get("/cases"))
    assert 'aria-label="1 unread"' in response.get_data(as_text=True)
    assert not [target for target in LOG.targets if target.split()[1] == "notifications"], LOG.targets


def test_start_up_gives_each_user_the_count_of_notifications_stored_before_it_once(app, make_user, now):
    me, other, nobody = make_user(), make_user(), make_user()
    for user, read_at in ((me, None), (me, None), (me, now), (other, None)):
        Notification(user_id=str(user.pk), subject="Before", created_at=now, read_at=read_at).save()
    User._get_collection().update_many({}, {"$unset": {FIELD: ""}})
    assert fill_unread_counts() == 3 and already_done(FILL_MIGRATION)  # nobody is given 0
    assert (unread_count(me), unread_count(other), unread_count(nobody)) == (2, 1, 0)
    User._get_collection().update_one({"_id": me.pk}, {"$set": {FIELD: 5}})
    assert fill_unread_counts() == 0 and unread_count(me) == 5  # once only: later counts are kept as they change
