// WebSocket over TLS (see WebSocketStream.hpp for why this is a file of its own).
#include "server/WebSocketStream.hpp"

namespace yst {

std::shared_ptr<WebSocketSession> make_websocket_session(beast::ssl_stream<beast::tcp_stream>&& stream, Hub& hub,
                                                         std::unique_ptr<ConnectionLimits::Slot> slot) {
  return std::make_shared<WebSocketStream<beast::ssl_stream<beast::tcp_stream>>>(std::move(stream), hub,
                                                                                 std::move(slot));
}

}  // namespace yst
