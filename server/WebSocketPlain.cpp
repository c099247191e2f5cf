// WebSocket over plain TCP (see WebSocketStream.hpp for why this is a file of its own).
#include "server/WebSocketStream.hpp"

namespace yst {

std::shared_ptr<WebSocketConnection> make_websocket_connection(beast::tcp_stream&& stream, Hub& hub,
                                                               std::unique_ptr<ConnectionLimits::Slot> slot,
                                                               std::string client) {
  return std::make_shared<WebSocketStream<beast::tcp_stream>>(std::move(stream), hub, std::move(slot),
                                                              std::move(client));
}

}  // namespace yst
