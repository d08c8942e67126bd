// Everything no endpoint serves: 404 for an unknown path, 405 with Allow for a wrong method.
#include "app/serve.h"

int main() {
  return rj::serveFallback();
}
