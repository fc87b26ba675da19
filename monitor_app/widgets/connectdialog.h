#pragma once

#include <QDialog>
#include <QUrl>

QT_BEGIN_NAMESPACE
class QLineEdit;
QT_END_NAMESPACE

namespace LiveActor::Monitor {

/// Asks for an instance's control-plane URL and token. GUI thread.
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectDialog(QWidget *parent = nullptr);
    QUrl url() const;
    QString token() const;

private:
    QLineEdit *m_url;
    QLineEdit *m_token;
};

} // namespace LiveActor::Monitor
