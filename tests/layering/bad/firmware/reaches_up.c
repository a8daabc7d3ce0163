/* A device file that reaches up into sync/: layering.sh must refuse it. */
#include "central_fixture.h"
