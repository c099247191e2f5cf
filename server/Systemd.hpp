#pragma once
// What the server tells systemd, and asks of it, without linking libsystemd: readiness
// and shutdown over sd_notify's datagram protocol, and whether stderr is the journal.
#include <string_view>

namespace yst::systemd {

// Sends `state` ("READY=1", "STOPPING=1", lines joined by '\n') to $NOTIFY_SOCKET.
// Without the variable (not started by systemd as Type=notify) there is no one to tell:
// returns true and does nothing. False means systemd was to be told and was not.
bool notify(std::string_view state);

// True when stderr is a stream to the journal: $JOURNAL_STREAM names its device and
// inode. Checked against stderr itself, since a child of the service inherits the
// variable but may have had its stderr redirected.
bool stderr_is_journal();

}  // namespace yst::systemd
