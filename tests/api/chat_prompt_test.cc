// A chat template's refusal reaches the client as a 400 naming `messages`.
#include "api/chat_prompt.h"

#include <gtest/gtest.h>

#include "http/api_error.h"

namespace tandem::api {
namespace {

TEST(RenderChat, TemplateRefusalIsA400NamingMessages) {
  const auto t = templates::ChatTemplate::from_jinja(
      "{% for m in messages %}{% if m.role == 'system' %}"
      "{{ raise_exception('System role not supported') }}{% endif %}"
      "{{ m.content }}{% endfor %}",
      "", "", false, "test");
  EXPECT_EQ(render_chat(t, {{"user", "Hi"}}), "Hi");
  try {
    render_chat(t, {{"system", "Be brief."}, {"user", "Hi"}});
    FAIL() << "no error";
  } catch (const http::ApiError& e) {
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.param, "messages");
    EXPECT_NE(std::string(e.what()).find("System role not supported"), std::string::npos)
        << e.what();
  }
}

TEST(RenderChat, BuiltInRenderingsPassThrough) {
  const auto t = *templates::ChatTemplate::by_name("chatml");
  EXPECT_EQ(render_chat(t, {{"user", "Hi"}}), t.render({{"user", "Hi"}}));
}

}  // namespace
}  // namespace tandem::api
