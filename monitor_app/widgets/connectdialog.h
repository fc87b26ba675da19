#pragma once

#include <QDialog>
#include <QUrl>

QT_BEGIN_NAMESPACE
class QLineEdit;
QT_END_NAMESPACE

namespace LiveActor::Monitor {

/// Asks for an instance's control-plane URL (or a fleet's Redis URL) and token. GUI thread.
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Target { Instance, Fleet };
    explicit ConnectDialog(QWidget *parent = nullptr, Target target = Target::Instance);
    QUrl url() const;
    QString token() const;

private:
    QLineEdit *m_url;
    QLineEdit *m_token;
};

} // namespace LiveActor::Monitor
