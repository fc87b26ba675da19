#pragma once

// main() for the Python embedding tests: the interpreter is created here, once, before the
// QtTest session (pybind11's rule: one interpreter per process, owned by main).

#include "python/pythoninterpreter.h"

#include <QCoreApplication>
#include <QTest>

#define LIVEACTOR_PYTHON_TEST_MAIN(TestClass)                                                   \
    int main(int argc, char **argv)                                                            \
    {                                                                                          \
        QCoreApplication app(argc, argv);                                                      \
        LiveActor::PythonConfig config;                                                        \
        config.pythonPath = {QStringLiteral(LIVEACTOR_TEST_PYTHON_DIR),                        \
                             QStringLiteral(LIVEACTOR_EXAMPLES_DIR)};                          \
        config.handlerBudget = std::chrono::milliseconds(100);                                 \
        config.handlerTimeout = std::chrono::milliseconds(300);                                \
        auto python = LiveActor::PythonInterpreter::start(config);                             \
        if (!python) {                                                                         \
            qCritical("%s", qPrintable(python.error().toString()));                            \
            return 2;                                                                          \
        }                                                                                      \
        TestClass test;                                                                        \
        return QTest::qExec(&test, argc, argv);                                                \
    }
