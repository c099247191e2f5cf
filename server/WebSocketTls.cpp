// WebSocket over TLS (see WebSocketStream.hpp).
#include "server/WebSocketStream.hpp"

namespace yst {

std::shared_ptr<WebSocketConnection> make_websocket_connection(beast::ssl_stream<beast::tcp_stream>&& stream, Hub& hub,
                                                               std::unique_ptr<ConnectionLimits::Slot> slot,
                                                               std::string client) {
  return std::make_shared<TlsWebSocket>(std::move(stream), hub, std::move(slot), std::move(client));
}

}  // namespace yst
