// WebSocket over plain TCP (see WebSocketStream.hpp).
#include "server/WebSocketStream.hpp"

namespace yst {

std::shared_ptr<WebSocketConnection> make_websocket_connection(beast::tcp_stream&& stream, Hub& hub,
                                                               std::unique_ptr<ConnectionLimits::Slot> slot,
                                                               std::string client) {
  // The stream's timers are the HTTP side's; the WebSocket side keeps only the socket.
  return std::make_shared<PlainWebSocket>(stream.release_socket(), hub, std::move(slot), std::move(client));
}

}  // namespace yst
