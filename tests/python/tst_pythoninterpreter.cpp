// PythonInterpreter: one interpreter, GIL released after start, any thread can run Python.

#include "python/gilguard.h"
#include "python/pythoninterpreter.h"
#include "testmain_p.h"

#include <QTest>

#include <pybind11/eval.h>
#include <pybind11/pybind11.h>

#include <thread>
#include <vector>

namespace py = pybind11;
using namespace LiveActor;
using namespace Qt::StringLiterals;

class TstPythonInterpreter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void isRunningAndOwned()
    {
        QVERIFY(PythonInterpreter::instance());
        QVERIFY(PythonInterpreter::instance()->ownsInterpreter());
        QVERIFY(Py_IsInitialized());
        QVERIFY(!PyGILState_Check()); // start() released the GIL
    }

    void secondStartIsRefused()
    {
        auto second = PythonInterpreter::start();
        QVERIFY(!second);
        QCOMPARE(second.error().code, ErrorCode::InvalidArgument);
    }

    void usesDebiansPython()
    {
        GilGuard gil;
        py::module_ sys = py::module_::import("sys");
        QCOMPARE(sys.attr("version_info").attr("minor").cast<int>(), 11);
        QVERIFY(py::module_::import("liveactor").attr("__file__").cast<std::string>().find("pybridge/liveactor")
                != std::string::npos);
    }

    void manyThreadsTakeTheGil()
    {
        // Four threads increment a Python counter 2000 times each under GilGuard: no lost updates.
        {
            GilGuard gil;
            py::exec("shared_counter = [0]", py::module_::import("__main__").attr("__dict__"));
        }
        const auto before = PythonInterpreter::instance()->stats();
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([] {
                for (int i = 0; i < 2000; ++i) {
                    GilGuard gil;
                    py::exec("shared_counter[0] += 1", py::module_::import("__main__").attr("__dict__"));
                }
            });
        for (auto &t : threads)
            t.join();
        GilGuard gil;
        QCOMPARE(py::eval("shared_counter[0]", py::module_::import("__main__").attr("__dict__")).cast<int>(), 8000);
        const auto after = PythonInterpreter::instance()->stats();
        QVERIFY(after.gilHeldNs > before.gilHeldNs);
    }
};

LIVEACTOR_PYTHON_TEST_MAIN(TstPythonInterpreter)
#include "tst_pythoninterpreter.moc"
