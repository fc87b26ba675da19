// Test-only stand-in for `liveactor render …` (the real executable lives in runtime/app).
#include "template/rendercommand.h"

#include <QCoreApplication>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    return LiveActor::runRenderCommand(app.arguments().mid(1));
}
